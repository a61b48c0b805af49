using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;

namespace SandboxRegistry.EventSourcing.PersonalData;

/// <summary>
/// Turns a stored view, whose personal data is <see cref="EncryptedValue"/>s, into the answer a reader gets: each
/// encrypted value becomes its plaintext (or <see cref="PersonalDataVault.ErasedMarker"/> once erased) for readers
/// allowed personal data, and null for the others. One place, so no endpoint can forget a field.
/// </summary>
public static class PersonalDataRevealing
{
    public static async Task<JsonNode?> RevealAsync<T>(this PersonalDataVault vault, IQuerySession session, T view, bool withPersonalData,
        JsonSerializerOptions json, CancellationToken ct)
    {
        var node = JsonSerializer.SerializeToNode(view, json);
        var found = new List<(JsonNode Parent, string? Property, int Index, EncryptedValue Value)>();
        Collect(node, found, json);
        var keys = withPersonalData && found.Count > 0
            ? await vault.KeysAsync(session, found.Select(f => f.Value.KeyId), ct)
            : new Dictionary<Guid, byte[]>();
        foreach (var (parent, property, index, value) in found)
        {
            JsonNode? replacement = withPersonalData ? JsonValue.Create(PersonalDataVault.Reveal(value, keys)) : null;
            if (property is not null) parent[property] = replacement;
            else parent[index] = replacement;
        }
        return node;
    }

    private static void Collect(JsonNode? node, List<(JsonNode, string?, int, EncryptedValue)> found, JsonSerializerOptions json)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o.ToList())
                    if (AsEncrypted(child, json) is { } value) found.Add((o, name, -1, value));
                    else Collect(child, found, json);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (AsEncrypted(a[i], json) is { } value) found.Add((a, null, i, value));
                    else Collect(a[i], found, json);
                break;
        }
    }

    private static EncryptedValue? AsEncrypted(JsonNode? node, JsonSerializerOptions json) =>
        node is JsonObject { Count: 2 } o && Name(o, "keyId", json) is { } key && Name(o, "ciphertext", json) is { } text
            && Guid.TryParse(key.GetValue<string>(), out var keyId)
            ? new EncryptedValue(keyId, text.GetValue<string>())
            : null;

    private static JsonNode? Name(JsonObject o, string camel, JsonSerializerOptions json) =>
        o.TryGetPropertyValue(json.PropertyNamingPolicy?.ConvertName(camel == "keyId" ? "KeyId" : "Ciphertext") ?? camel, out var v) ? v : null;
}
