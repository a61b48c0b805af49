using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SandboxRegistry.EventSourcing;

namespace SandboxRegistry.Hosting;

/// <summary>
/// The rules of an <c>Idempotency-Key</c> (draft-ietf-httpapi-idempotency-key-header) for the commands that take one: the
/// header is required, a key belongs to one client, and a key reused with another body is refused. What a key's record
/// stores beside the hash (the answer to replay) is the command's own; it is inserted in the command's transaction, so a key
/// is spent with its effect or not at all.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    /// <summary>The 400 for a missing or oversize key, or null when the key may be used.</summary>
    public static IResult? Refusal(string? key) =>
        string.IsNullOrWhiteSpace(key) || key.Length > MaxKeyLength
            ? Results.ValidationProblem(
                new Dictionary<string, string[]> { [Header] = [$"The {Header} header is required (at most {MaxKeyLength} characters)."] },
                title: "The request has invalid fields.", extensions: new Dictionary<string, object?> { ["code"] = "validation-failed" })
            : null;

    /// <summary>
    /// A record's id: the client id's length, then the client id, then the key. The length prefix makes the pair unambiguous
    /// ("x" with "k/1" and "x/k" with "1" are different ids), whatever characters either part holds.
    /// </summary>
    public static string RecordId(string clientId, string key) =>
        $"{clientId.Length.ToString(CultureInfo.InvariantCulture)}:{clientId}/{key}";

    /// <summary>The SHA-256 of the request as bound (hex), what a replay must match.</summary>
    public static string RequestHash<T>(T request, JsonSerializerOptions options) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, options)));

    /// <summary>A replay must carry the body the key was first used with.</summary>
    public static void EnsureSameRequest(string storedHash, string requestHash)
    {
        if (storedHash != requestHash)
            throw new DomainRuleViolation("idempotency-key-reused",
                $"This {Header} was already used with a different request body; use a new key for a new request.");
    }
}
