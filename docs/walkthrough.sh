#!/usr/bin/env bash
# The main scenario, step by step with curl, against services started by deploy/up.sh. README.md shows the same
# commands; run this file to see them work: bash docs/walkthrough.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SA=http://localhost:5101/api/v1 REG=http://localhost:5102/api/v1 IC=http://localhost:5103/api/v1
OGRN=1027700132195
REGULATOR=$(deploy/token.sh regulator --sub reg-sokolova)
COMPANY=$(deploy/token.sh applicant --org $OGRN --sub compliance-officer)
PORTAL=$(deploy/token.sh integration --client gosuslugi)
AUDITOR=$(deploy/token.sh auditor)
post() { curl -sS --fail-with-body -H 'Content-Type: application/json' -H "Authorization: Bearer $1" "${@:3}" -d "$2"; }
get() { curl -sS --fail-with-body -H "Authorization: Bearer $1" "$2"; }
wait_for() { for _ in $(seq 1 100); do if eval "$1" >/dev/null 2>&1; then return 0; fi; sleep 0.2; done; echo "timed out: $1" >&2; return 1; }
NOW=$(date -u +%FT%TZ); FORTY_DAYS_AGO=$(date -u -d '40 days ago' +%FT%TZ); TWENTY_DAYS_AGO=$(date -u -d '20 days ago' +%FT%TZ)
TODAY=$(TZ=Europe/Moscow date +%F)   # the local date at the place of the harm (77): the commission's dates are local there

echo "1. A regulator establishes a regime (SandboxApplications)"
REGIME=$(post "$REGULATOR" '{"title":"Delivery drones over Moscow","direction":"unmannedAircraft",
  "legalBasis":{"actNumber":"Government Decree No. 1234","actDate":"2025-12-01"},"territory":["77"],
  "startsOn":"2026-01-01","endsOn":"2028-12-31",
  "insurance":{"minimumSumInsured":{"amount":10000000,"currency":"RUB"},"requiredRisks":["life","health"],"aiHarmCoverRequired":true}}' \
  "$SA/regimes" | jq -r .id)

echo "2. A company applies; the regulator assigns a reviewer and approves: a participation"
APPLICATION=$(post "$COMPANY" '{"regimeId":"'$REGIME'",
  "company":{"legalName":"Aero LLC","ogrn":"'$OGRN'","inn":"7707083893","address":"Moscow, Tverskaya 1"},
  "contact":{"email":"office@aero.example"},"plannedAiUse":"Parcel delivery by drones",
  "requestedTerm":{"startsOn":"2026-01-01","endsOn":"2027-12-31"},"territory":["77"],
  "insurance":{"insurerName":"Ingosstrakh","insurerInn":"7705042179","policyNumber":"GO-2026-0077",
    "sumInsured":{"amount":30000000,"currency":"RUB"},"coveredRisks":["life","health","property"],"coversAiHarm":true,
    "validFrom":"2026-01-01","validTo":"2027-12-31"},
  "responsiblePersons":[{"fullName":"Ivan Petrov","position":"CTO","areaOfResponsibility":"Autopilot","contact":{"email":"petrov@aero.example"}}]}' \
  "$SA/applications" | jq -r .id)
get "$COMPANY" "$SA/applications/$APPLICATION" | jq -c '{status, dueOn}'
post "$REGULATOR" '{"reviewer":"reg-sokolova"}' "$SA/applications/$APPLICATION/reviewer" >/dev/null
PARTICIPATION=$(post "$REGULATOR" '{"conditions":["Report every incident within 24 hours"]}' \
  "$SA/applications/$APPLICATION/approval" | jq -r .participationId)

echo "3. The registry learns of the participation; the company registers a system, releases 1.0.0 and deploys it"
wait_for "get '$COMPANY' '$REG/participations/$PARTICIPATION' | jq -e '.status == \"active\"'"
SYSTEM=$(post "$COMPANY" '{"name":"SkyDrop autopilot","description":"Flies delivery drones.","intendedPurpose":"Parcel delivery",
  "direction":"unmannedAircraft","developer":{"name":"Aero Vision LLC","ogrn":"'$OGRN'"},"operatorName":"Aero LLC",
  "autonomyLevel":"autonomous","riskClass":"high","technique":"computerVision"}' "$REG/ai-systems" | jq -r .id)
release() { post "$COMPANY" '{"version":"'$1'","artifactSha256":"'$(printf "skydrop-$1" | sha256sum | cut -c1-64)'",
  "changeSummary":"Release '$1'","trainingDataSummary":"Flight logs 2025","evaluationSummary":"Crash-free in tests"}' \
  "$REG/ai-systems/$SYSTEM/versions" | jq -r .versionId; }
V10=$(release 1.0.0)
D10=$(post "$COMPANY" '{"aiSystemId":"'$SYSTEM'","versionId":"'$V10'","participationId":"'$PARTICIPATION'",
  "territory":["77"],"from":"'$FORTY_DAYS_AGO'"}' "$REG/deployments" | jq -r .id)
T1=$(date -u +%FT%T.%NZ)   # an instant at which the registry had 1.0.0 deployed

echo "4. Version 1.1.0 replaced 1.0.0 ten days ago, recorded only now (an end in the past, a deployment from then)"
V11=$(release 1.1.0)
SWITCH=$(date -u -d '10 days ago' +%FT%TZ)
post "$COMPANY" '{"reason":"Replaced by 1.1.0","endedAt":"'$SWITCH'"}' "$REG/deployments/$D10/ending" >/dev/null
D11=$(post "$COMPANY" '{"aiSystemId":"'$SYSTEM'","versionId":"'$V11'","participationId":"'$PARTICIPATION'",
  "territory":["77"],"from":"'$SWITCH'"}' "$REG/deployments" | jq -r .id)
FIVE_DAYS_AGO=$(date -u -d '5 days ago' +%FT%TZ)
curl -sS "$REG/deployments/active?region=77&at=$FIVE_DAYS_AGO" | jq -c '[.items[] | .version]'              # ["1.1.0"]
curl -sS "$REG/deployments/active?region=77&at=$FIVE_DAYS_AGO&knownAt=$T1" | jq -c '[.items[] | .version]'  # ["1.0.0"], as recorded by T1

echo "5. The state portal files a citizen's report of harm twenty days ago (IncidentClaims)"
wait_for "get '$AUDITOR' '$IC/known/deployments/$D11'"
INCIDENT=$(post "$PORTAL" '{"channel":"statePortal","title":"Drone fell on a pedestrian",
  "description":"Lost height over Tverskaya street.","aiInvolvement":"The autopilot chose a route over a crowded pavement.",
  "occurredAt":"'$TWENTY_DAYS_AGO'","location":{"regionCode":"77"},
  "harms":[{"type":"injuryToHealth","severity":"serious","personsAffected":1,"estimatedDamage":{"amount":150000,"currency":"RUB"}}],
  "aiSystem":{"registryId":"'$SYSTEM'","name":"SkyDrop"},
  "reporter":{"fullName":"Maria Ivanova","contacts":{"phone":"+79990001122"},"consentToProcessing":true}}' \
  "$IC/incidents" -H "Idempotency-Key: gosuslugi-$(date +%s%N)" | jq -r .id)
get "$PORTAL" "$IC/incidents/$INCIDENT/status" | jq -c '{trackingCode, status}'

echo "6. Triage resolves what was deployed there and then: version 1.0.0"
post "$REGULATOR" '{}' "$IC/incidents/$INCIDENT/link" >/dev/null
get "$REGULATOR" "$IC/incidents/$INCIDENT/dossier" | jq -c '{version: .version.version, deployment: .deployment.deploymentId}'

echo "7. The harm commission concludes that the participation must be suspended; the chair signs"
post "$REGULATOR" '{"chair":{"fullName":"Olga Sokolova","position":"Deputy Minister"},
  "members":[{"fullName":"Pavel Orlov","position":"Expert"}],"meetingDate":"'$TODAY'"}' "$IC/incidents/$INCIDENT/commission" >/dev/null
curl -sS --fail-with-body -X PUT -H 'Content-Type: application/json' -H "Authorization: Bearer $REGULATOR" \
  "$IC/incidents/$INCIDENT/commission/conclusion" -d '{"causalLink":"established","responsibleParties":["'$OGRN'"],
  "damageAssessed":{"amount":150000,"currency":"RUB"},"recommendations":["suspendParticipation"],"dissents":[]}' >/dev/null
curl -sS --fail-with-body -X POST -H "Authorization: Bearer $REGULATOR" "$IC/incidents/$INCIDENT/commission/conclusion/signature" >/dev/null

echo "8. The participation is suspended in SandboxApplications, its running deployment in AiSystemRegistry"
wait_for "get '$REGULATOR' '$SA/participations/$PARTICIPATION' | jq -e '.status == \"suspended\"'"
wait_for "get '$REGULATOR' '$REG/deployments/$D11' | jq -e '.status == \"suspended\"'"
get "$REGULATOR" "$SA/participations/$PARTICIPATION" | jq -c '{status}'
get "$REGULATOR" "$REG/deployments/$D11" | jq -c '{status, statusReason}'

echo "9. The liability dossier cites every link, and each citation verifies at its source"
get "$AUDITOR" "$IC/incidents/$INCIDENT/dossier" | jq -c '{deployment: .deployment.source.service, version: .version.version,
  participation: .participation.source.service, policy: .insurancePolicy.policyNumber,
  persons: [.responsiblePersons.persons[].fullName], conclusion: .conclusion.conclusion.recommendations}'
get "$AUDITOR" "$IC/incidents/$INCIDENT/dossier/verification" | jq -c '{verified, checks: [.checks[] | .status] | group_by(.) | map({(.[0]): length}) | add}'
get "$AUDITOR" "$SA/audit/verify" | jq -c '{valid, eventsChecked, witnesses: [.witnesses[] | {witness, status}]}'
