#!/usr/bin/env bash
# Prints a development JWT that the services accept when they run in the Development environment
# (the signing key below is in each service's appsettings.Development.json; production uses Auth:Authority).
#   deploy/token.sh regulator
#   deploy/token.sh applicant --org 1027700132195
#   deploy/token.sh integration --client gosuslugi
#   deploy/token.sh auditor [--sub someone] [--ttl 3600]
set -euo pipefail

usage() { echo "usage: $0 applicant|regulator|integration|auditor [--org OGRN] [--client ID] [--sub SUBJECT] [--ttl SECONDS]" >&2; exit 2; }

role=${1:-}; [ -n "$role" ] || usage; shift
case "$role" in applicant|regulator|integration|auditor) ;; *) usage ;; esac
org="" client="" sub="" ttl=3600
while [ $# -gt 0 ]; do
  case "$1" in
    --org) org=${2:?}; shift 2 ;;
    --client) client=${2:?}; shift 2 ;;
    --sub) sub=${2:?}; shift 2 ;;
    --ttl) ttl=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done
[ "$role" != applicant ] || [ -n "$org" ] || { echo "an applicant token needs --org OGRN" >&2; exit 2; }
[ "$role" != integration ] || [ -n "$client" ] || { echo "an integration token needs --client ID" >&2; exit 2; }

key=${SANDBOX_DEV_SIGNING_KEY:-sandbox-registry-development-signing-key-not-for-production}
now=$(date +%s)
sub=${sub:-"dev-$role${org:+-$org}${client:+-$client}"}

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
json_escape() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }

payload="{\"iss\":\"sandbox-registry-dev\",\"aud\":\"sandbox-registry\",\"sub\":\"$(json_escape "$sub")\",\"role\":\"$role\""
[ -z "$org" ] || payload+=",\"org\":\"$(json_escape "$org")\""
[ -z "$client" ] || payload+=",\"client_id\":\"$(json_escape "$client")\""
payload+=",\"iat\":$now,\"nbf\":$now,\"exp\":$((now + ttl))}"

header=$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url)
body=$(printf '%s' "$payload" | b64url)
signature=$(printf '%s' "$header.$body" | openssl dgst -sha256 -hmac "$key" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$body" "$signature"
