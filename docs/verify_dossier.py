#!/usr/bin/env python3
"""Offline reference verifier of a SandboxRegistry dossier export.

    python3 docs/verify_dossier.py dossier-export.json [--trust VERIFIER_KEY ...]

Python 3 standard library only, no network. For every citation of the dossier it recomputes, exactly as the services do:

  1. the event's seal hash from the event's type, data, author, sealing instant and previous hash (seal scheme 2:
     SHA-256 of the RFC 8785 JCS form of {"at","by","data","previousHash","type"}; scheme 1: the documented lines over
     the project's own canonical JSON), and compares it with the sealed hash and the hash the dossier cites;
  2. the RFC 6962 leaf SHA-256(0x00 || JCS({"eventId","hash","sequence","streamId","version"})) and, with the inclusion
     proof (RFC 9162 section 2.1.3.2, nodes SHA-256(0x01 || left || right)), the tree head;
  3. that this head is the one stated by the service's C2SP tlog-checkpoint signed note, that the service's Ed25519 key
     (current or rotated away from) signed the note, and that every other service in the export cosigned it with a
     C2SP tlog-cosignature/v1 line (Ed25519 over "cosignature/v1\\ntime T\\n" + the note's body).

Every service's keys come from the export itself; pass --trust with the verifier keys you obtained independently
(GET /api/v1/audit/keys of each service, or your regulator's key list) to require that the export uses exactly those.
Exit status 0 when everything verifies, 1 with one line per failure otherwise, 2 when the file cannot be read.

Ed25519 verification is the reference code of RFC 8032 section 6, written out below.
"""

import base64
import hashlib
import json
import sys
from decimal import Decimal

# ---------------------------------------------------------------------------------------------------------------------
# Ed25519: RFC 8032 section 6 (reference implementation)
# ---------------------------------------------------------------------------------------------------------------------


def sha512(s):
    return hashlib.sha512(s).digest()


# Base field Z_p
p = 2**255 - 19


def modp_inv(x):
    return pow(x, p - 2, p)


# Curve constant
d = -121665 * modp_inv(121666) % p

# Group order
q = 2**252 + 27742317777372353535851937790883648493


def sha512_modq(s):
    return int.from_bytes(sha512(s), "little") % q


# Points are represented as tuples (X, Y, Z, T) of extended coordinates, with x = X/Z, y = Y/Z, x*y = T/Z


def point_add(P, Q):
    A, B = (P[1] - P[0]) * (Q[1] - Q[0]) % p, (P[1] + P[0]) * (Q[1] + Q[0]) % p
    C, D = 2 * P[3] * Q[3] * d % p, 2 * P[2] * Q[2] % p
    E, F, G, H = B - A, D - C, D + C, B + A
    return (E * F, G * H, F * G, E * H)


# Computes Q = s * Q
def point_mul(s, P):
    Q = (0, 1, 1, 0)  # Neutral element
    while s > 0:
        if s & 1:
            Q = point_add(Q, P)
        P = point_add(P, P)
        s >>= 1
    return Q


def point_equal(P, Q):
    # x1 / z1 == x2 / z2  <==>  x1 * z2 == x2 * z1
    if (P[0] * Q[2] - Q[0] * P[2]) % p != 0:
        return False
    if (P[1] * Q[2] - Q[1] * P[2]) % p != 0:
        return False
    return True


# Square root of -1
modp_sqrt_m1 = pow(2, (p - 1) // 4, p)


# Compute corresponding x-coordinate, with low bit corresponding to sign, or return None on failure
def recover_x(y, sign):
    if y >= p:
        return None
    x2 = (y * y - 1) * modp_inv(d * y * y + 1)
    if x2 == 0:
        if sign:
            return None
        else:
            return 0

    # Compute square root of x2
    x = pow(x2, (p + 3) // 8, p)
    if (x * x - x2) % p != 0:
        x = x * modp_sqrt_m1 % p
    if (x * x - x2) % p != 0:
        return None

    if (x & 1) != sign:
        x = p - x
    return x


# Base point
g_y = 4 * modp_inv(5) % p
g_x = recover_x(g_y, 0)
G = (g_x, g_y, 1, g_x * g_y % p)


def point_compress(P):
    zinv = modp_inv(P[2])
    x = P[0] * zinv % p
    y = P[1] * zinv % p
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def point_decompress(s):
    if len(s) != 32:
        raise Exception("Invalid input length for decompression")
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1

    x = recover_x(y, sign)
    if x is None:
        return None
    else:
        return (x, y, 1, x * y % p)


def secret_expand(secret):
    if len(secret) != 32:
        raise Exception("Bad size of private key")
    h = sha512(secret)
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return (a, h[32:])


def secret_to_public(secret):
    (a, dummy) = secret_expand(secret)
    return point_compress(point_mul(a, G))


def sign(secret, msg):
    a, prefix = secret_expand(secret)
    A = point_compress(point_mul(a, G))
    r = sha512_modq(prefix + msg)
    R = point_mul(r, G)
    Rs = point_compress(R)
    h = sha512_modq(Rs + A + msg)
    s = (r + h * a) % q
    return Rs + int.to_bytes(s, 32, "little")


def verify(public, msg, signature):
    if len(public) != 32:
        raise Exception("Bad public key length")
    if len(signature) != 64:
        raise Exception("Bad signature length")
    A = point_decompress(public)
    if not A:
        return False
    Rs = signature[:32]
    R = point_decompress(Rs)
    if not R:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= q:
        return False
    h = sha512_modq(Rs + public + msg)
    sB = point_mul(s, G)
    hA = point_mul(h, A)
    return point_equal(sB, point_add(R, hA))


# ---------------------------------------------------------------------------------------------------------------------
# JSON: numbers are kept as their source text, so both canonical forms can be computed from one parse
# ---------------------------------------------------------------------------------------------------------------------


class Number(str):
    """A JSON number as written in the file."""


def load(text):
    return json.loads(text, parse_float=Number, parse_int=Number)


def ecmascript_number(value):
    """Number.prototype.toString of a finite double (RFC 8785 section 3.2.2.3)."""
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("JSON has no NaN or Infinity")
    if value == 0:
        return "0"
    r = repr(value)  # the shortest digits that round-trip, as ECMAScript requires; only the layout differs
    negative = r.startswith("-")
    if negative:
        r = r[1:]
    exponent = 0
    if "e" in r:
        r, e = r.split("e")
        exponent = int(e)
    dot = r.find(".")
    digits = r.replace(".", "")
    n = (dot if dot >= 0 else len(r)) + exponent  # the decimal point sits after n digits
    leading = len(digits) - len(digits.lstrip("0"))
    digits = digits.strip("0")
    n -= leading
    k = len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        power = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = mantissa + "e" + ("-" if power < 0 else "+") + str(abs(power))
    return "-" + text if negative else text


def jcs_string(value):
    out = ['"']
    for c in value:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\b":
            out.append("\\b")
        elif c == "\f":
            out.append("\\f")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif c < " ":
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def jcs(value):
    """RFC 8785: members sorted by their names' UTF-16 code units, no white space, ECMAScript strings and numbers."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Number):
        return ecmascript_number(float(value))
    if isinstance(value, int):
        return ecmascript_number(float(value))
    if isinstance(value, str):
        return jcs_string(value)
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        names = sorted(value, key=lambda name: name.encode("utf-16-be"))
        return "{" + ",".join(jcs_string(n) + ":" + jcs(value[n]) for n in names) + "}"
    raise ValueError("not JSON: %r" % (value,))


def legacy_number(raw):
    """Seal scheme 1: plain decimal notation, no exponent, no trailing fractional zeros, no minus zero."""
    text = format(Decimal(raw), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def legacy_string(value):
    out = bytearray(b'"')
    for b in value.encode("utf-8"):
        if b == 0x22:
            out += b'\\"'
        elif b == 0x5C:
            out += b"\\\\"
        elif b < 0x20:
            out += b"\\u%04x" % b
        else:
            out.append(b)
    out += b'"'
    return bytes(out)


def legacy_json(value):
    """Seal scheme 1's canonical JSON (README, "Canonical JSON of scheme 1"), as UTF-8 bytes."""
    if value is None:
        return b"null"
    if value is True:
        return b"true"
    if value is False:
        return b"false"
    if isinstance(value, Number):
        return legacy_number(value).encode("ascii")
    if isinstance(value, str):
        return legacy_string(value)
    if isinstance(value, list):
        return b"[" + b",".join(legacy_json(v) for v in value) + b"]"
    if isinstance(value, dict):
        names = sorted(value, key=lambda name: name.encode("utf-16-be"))
        return b"{" + b",".join(legacy_string(n) + b":" + legacy_json(value[n]) for n in names) + b"}"
    raise ValueError("not JSON: %r" % (value,))


# ---------------------------------------------------------------------------------------------------------------------
# The audit trail's hashes, RFC 6962 trees, C2SP signed notes
# ---------------------------------------------------------------------------------------------------------------------


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def event_hash(event):
    scheme = int(event["scheme"])
    if scheme == 2:
        sealed = {"at": event["at"], "by": event["by"], "data": event["data"], "previousHash": event["previousHash"],
                  "type": event["type"]}
        return sha256_hex(jcs(sealed).encode("utf-8"))
    if scheme == 1:
        head = ("%s\n%s\n" % (event["previousHash"], event["type"])).encode("utf-8")
        tail = ("\n%s\n%s" % (event["by"] or "", event["at"])).encode("utf-8")
        return sha256_hex(head + legacy_json(event["data"]) + tail)
    raise ValueError("the event has no seal (scheme %s)" % scheme)


def leaf_hash(event, sealed_hash):
    entry = {"eventId": event["eventId"], "hash": sealed_hash, "sequence": int(event["sequence"]),
             "streamId": event["streamId"], "version": int(event["version"])}
    return hashlib.sha256(b"\x00" + jcs(entry).encode("utf-8")).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion_proof(index, size, leaf, proof):
    """RFC 9162 section 2.1.3.2; None when the proof has the wrong shape."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p_ in proof:
        if sn == 0:
            return None
        if fn & 1 == 1 or fn == sn:
            r = node_hash(p_, r)
            if fn & 1 == 0:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p_)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


DASH = "\u2014"
LOG_KEY, COSIGNER_KEY = 0x01, 0x04


def key_id(name, key_type, public):
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([key_type]) + public).digest()[:4]


def parse_verifier_key(vkey):
    """name+hex key ID+base64(type || public key), c2sp.org/signed-note."""
    name, hex_id, encoded = vkey.split("+", 2)
    raw = base64.b64decode(encoded, validate=True)
    if len(raw) != 33 or raw[0] != LOG_KEY or key_id(name, LOG_KEY, raw[1:]).hex() != hex_id.lower():
        raise ValueError("not an Ed25519 verifier key: " + vkey)
    return name, raw[1:]


def split_note(note):
    at = note.find("\n\n")
    if at < 0:
        raise ValueError("not a signed note")
    body = note[:at + 1]
    lines = [line for line in note[at + 2:].split("\n") if line]
    return body, lines


def signatures_of(lines, name):
    for line in lines:
        parts = line.split(" ")
        if len(parts) == 3 and parts[0] == DASH and parts[1] == name:
            try:
                yield base64.b64decode(parts[2], validate=True)
            except ValueError:
                continue


def signed_by(body, lines, name, publics):
    """Whether one of the note's lines is a valid Ed25519 signature of the body by (name, one of publics)."""
    for raw in signatures_of(lines, name):
        for public in publics:
            if raw[:4] == key_id(name, LOG_KEY, public) and len(raw) == 68 and verify(public, body.encode("utf-8"), raw[4:]):
                return True
    return False


def cosigned_by(body, lines, name, publics):
    """Whether one of the note's lines is a valid tlog-cosignature/v1 of the body by (name, one of publics)."""
    for raw in signatures_of(lines, name):
        for public in publics:
            if raw[:4] != key_id(name, COSIGNER_KEY, public) or len(raw) != 4 + 8 + 64:
                continue
            timestamp = int.from_bytes(raw[4:12], "big")
            message = ("cosignature/v1\ntime %d\n" % timestamp).encode("utf-8") + body.encode("utf-8")
            if verify(public, message, raw[12:]):
                return True
    return False


# ---------------------------------------------------------------------------------------------------------------------
# The export
# ---------------------------------------------------------------------------------------------------------------------


def cited_in(node, found):
    """Every citation in the dossier: an object with service, streamId, streamVersion, eventId and sequence."""
    if isinstance(node, dict):
        if {"service", "streamId", "streamVersion", "eventId", "sequence"} <= set(node):
            found.append(node)
            return found
        for value in node.values():
            cited_in(value, found)
    elif isinstance(node, list):
        for value in node:
            cited_in(value, found)
    return found


def check(export, trusted):
    failures = []
    if export.get("format") != "sandbox-registry/dossier-export/v1":
        return ["the file is not a dossier export (format %r)" % export.get("format")]

    services = {}
    for entry in export["services"]:
        name, keys = entry["service"], entry["keys"]
        try:
            current = parse_verifier_key(keys["verifierKey"])
            previous = [parse_verifier_key(k) for k in keys.get("previousVerifierKeys") or []]
        except ValueError as e:
            failures.append("%s: %s" % (name, e))
            continue
        if trusted is not None and keys["verifierKey"] not in trusted:
            failures.append("%s: its key %s is not one of the trusted keys" % (name, keys["verifierKey"]))
        if current[0] != keys["origin"]:
            failures.append("%s: its key is named %s, not after its origin %s" % (name, current[0], keys["origin"]))
        services[name] = {"origin": keys["origin"], "publics": [current[1]] + [k[1] for k in previous if k[0] == current[0]],
                          "checkpoint": entry.get("checkpoint"), "head": None}

    # Each cited service's checkpoint: its own signature and every other service's cosignature.
    for name, service in services.items():
        checkpoint = service["checkpoint"]
        if checkpoint is None:
            continue
        note = checkpoint.get("cosignedNote") or ""
        try:
            body, lines = split_note(note)
        except ValueError:
            failures.append("%s: the checkpoint carries no signed note" % name)
            continue
        body_lines = body.split("\n")
        size, root = int(checkpoint["treeSize"]), bytes.fromhex(checkpoint["rootHash"])
        if len(body_lines) < 4 or body_lines[0] != service["origin"] or body_lines[1] != str(size) or \
                base64.b64decode(body_lines[2]) != root:
            failures.append("%s: the signed note does not state the checkpoint's tree (%d leaves, root %s)" % (name, size, root.hex()))
            continue
        if not signed_by(body, lines, service["origin"], service["publics"]):
            failures.append("%s: the checkpoint note of %d leaves carries no valid signature of %s's key" % (name, size, name))
            continue
        for witness, other in services.items():
            if witness != name and not cosigned_by(body, lines, other["origin"], other["publics"]):
                failures.append("%s: the checkpoint note of %d leaves carries no valid cosignature of %s" % (name, size, witness))
        service["head"] = (size, root)

    # Each citation: its event's hash, its leaf, its proof to the signed head.
    exported = {}
    for i, item in enumerate(export["citations"], start=1):
        citation, event = item["citation"], item["event"]
        label = "citation %d (%s event %s, stream %s at %s)" % (i, citation["service"], citation["eventId"], citation["streamId"],
                                                               citation["streamVersion"])
        exported[(citation["service"], citation["eventId"])] = citation
        service = services.get(citation["service"])
        if service is None or service["head"] is None:
            failures.append("%s: no verified checkpoint of %s to check it against" % (label, citation["service"]))
            continue
        for field, value in (("service", event["service"]), ("eventId", event["eventId"]), ("streamId", event["streamId"]),
                             ("streamVersion", event["version"]), ("sequence", event["sequence"])):
            if str(citation[field]) != str(value):
                failures.append("%s: the dossier cites %s %s, the exported event has %s" % (label, field, citation[field], value))
        try:
            recomputed = event_hash(event)
        except (ValueError, KeyError) as e:
            failures.append("%s: %s" % (label, e))
            continue
        if recomputed != event["hash"]:
            failures.append("%s: the event's type, data, author or instant differ from what was sealed (recomputed %s, sealed %s)"
                            % (label, recomputed, event["hash"]))
            continue
        if citation.get("hash") != recomputed:
            failures.append("%s: the dossier cites hash %s, the event hashes to %s" % (label, citation.get("hash"), recomputed))
        size, root = service["head"]
        if int(event["treeSize"]) != size or event["rootHash"] != root.hex():
            failures.append("%s: the proof is against another tree (%s leaves) than the signed checkpoint (%d)" % (label, event["treeSize"], size))
            continue
        try:
            path = [bytes.fromhex(h) for h in event["proof"]]
        except ValueError:
            failures.append("%s: the inclusion proof holds something that is not a hash" % label)
            continue
        if root_from_inclusion_proof(int(event["leafIndex"]), size, leaf_hash(event, recomputed), path) != root:
            failures.append("%s: the inclusion proof does not lead from the event's leaf to the signed tree head of %d leaves" % (label, size))

    for citation in cited_in(export["dossier"], []):
        if (citation["service"], citation["eventId"]) not in exported:
            failures.append("the dossier cites %s event %s, which the export does not carry" % (citation["service"], citation["eventId"]))
    return failures


def main(argv):
    args, trusted = [], None
    i = 1
    while i < len(argv):
        if argv[i] == "--trust" and i + 1 < len(argv):
            trusted = (trusted or set()) | {argv[i + 1]}
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if len(args) != 1:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8") as f:
            export = load(f.read())
    except (OSError, ValueError) as e:
        print("FAILED: cannot read %s: %s" % (args[0], e), file=sys.stderr)
        return 2
    try:
        failures = check(export, trusted)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        failures = ["the export is malformed: %s %s" % (type(e).__name__, e)]
    if failures:
        for failure in failures:
            print("FAILED: " + failure, file=sys.stderr)
        print("NOT VERIFIED: %d problem(s) in the dossier export of incident %s" % (len(failures), export.get("incidentId")), file=sys.stderr)
        return 1
    cited = {c["citation"]["service"] for c in export["citations"]}
    print("VERIFIED: incident %s, %d citations of %s, each sealed, included in a signed tree head cosigned by the other services"
          % (export["incidentId"], len(export["citations"]), ", ".join(sorted(cited))))
    for entry in export["services"]:
        print("  key of %s: %s" % (entry["service"], entry["keys"]["verifierKey"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
