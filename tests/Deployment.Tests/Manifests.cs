using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace SandboxRegistry.Deployment.Tests;

/// <summary>One parsed Kubernetes object: maps are <c>Dictionary&lt;object, object&gt;</c>, lists <c>List&lt;object&gt;</c>, scalars strings.</summary>
public sealed record Manifest(string File, Dictionary<object, object> Root)
{
    public string Kind => (string)Root["kind"];
    public string Name => Root.Str("metadata", "name") ?? throw new InvalidOperationException($"{File}: {Kind} without a name");
    public override string ToString() => $"{Kind}/{Name} ({File})";
}

public static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static List<Dictionary<object, object>> Documents(string path)
    {
        var parser = new Parser(new StringReader(File.ReadAllText(path)));
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
            if (Deserializer.Deserialize<object?>(parser) is Dictionary<object, object> document)
                documents.Add(document);
        return documents;
    }

    public static object? At(this object? node, params object[] path)
    {
        foreach (var step in path)
            node = (node, step) switch
            {
                (Dictionary<object, object> map, string key) => map.GetValueOrDefault(key),
                (List<object> list, int index) => index < list.Count ? list[index] : null,
                _ => null,
            };
        return node;
    }

    public static string? Str(this object? node, params object[] path) => node.At(path) as string;

    public static IEnumerable<Dictionary<object, object>> Maps(this object? node, params object[] path) =>
        (node.At(path) as List<object> ?? []).OfType<Dictionary<object, object>>();

    public static Dictionary<string, string> StringMap(this object? node, params object[] path) =>
        (node.At(path) as Dictionary<object, object> ?? []).ToDictionary(e => (string)e.Key, e => e.Value as string ?? "");
}

/// <summary>
/// What <c>kubectl apply -k</c> would send, for the parts this repository's kustomizations use: resources (files and
/// directories), ConfigMap and Secret generators, JSON 6902 patches and image tags. A field the renderer does not
/// know fails the test, so a kustomization cannot silently grow beyond what is checked.
/// </summary>
public static class Kustomize
{
    private static readonly HashSet<string> KnownFields =
        ["apiVersion", "kind", "namespace", "labels", "resources", "images", "configMapGenerator", "secretGenerator", "patches"];

    public static List<Manifest> Render(string directory)
    {
        var file = Path.Combine(directory, "kustomization.yaml");
        Assert.True(File.Exists(file), $"{directory} has no kustomization.yaml");
        var kustomization = Yaml.Documents(file).Single();
        var unknown = kustomization.Keys.Cast<string>().Except(KnownFields).ToList();
        Assert.True(unknown.Count == 0, $"{file}: fields the manifest test does not check: {string.Join(", ", unknown)}");

        var manifests = new List<Manifest>();
        foreach (var resource in (kustomization.At("resources") as List<object> ?? []).Cast<string>())
        {
            var path = Path.GetFullPath(Path.Combine(directory, resource));
            if (Directory.Exists(path)) manifests.AddRange(Render(path));
            else
            {
                Assert.True(File.Exists(path), $"{file}: resource {resource} does not exist");
                manifests.AddRange(Yaml.Documents(path).Select(d => new Manifest(path, d)));
            }
        }

        foreach (var labels in kustomization.Maps("labels"))
            foreach (var manifest in manifests)
            {
                if (manifest.Root.At("metadata") is not Dictionary<object, object> metadata) continue;
                if (metadata.GetValueOrDefault("labels") is not Dictionary<object, object> existing)
                    metadata["labels"] = existing = new Dictionary<object, object>();
                foreach (var (key, value) in labels.StringMap("pairs")) existing[key] = value;
            }

        foreach (var generator in kustomization.Maps("configMapGenerator"))
            Generate(manifests, file, "ConfigMap", generator);
        foreach (var generator in kustomization.Maps("secretGenerator"))
            Generate(manifests, file, "Secret", generator);

        foreach (var patch in kustomization.Maps("patches"))
        {
            var kind = patch.Str("target", "kind");
            var name = patch.Str("target", "name");
            var targets = manifests.Where(m => m.Kind == kind && m.Name == name).ToList();
            Assert.True(targets.Count == 1, $"{file}: the patch's target {kind}/{name} is not one resource of the base");
            var operations = new DeserializerBuilder().Build().Deserialize<List<Dictionary<object, object>>>(patch.Str("patch") ?? "");
            foreach (var operation in operations) Apply(targets[0], operation);
        }

        foreach (var image in kustomization.Maps("images"))
        {
            var name = image.Str("name")!;
            var containers = manifests.SelectMany(Containers).Where(c => c.Str("image")?.Split(':')[0] == name).ToList();
            Assert.True(containers.Count > 0, $"{file}: image {name} is used by no container");
            foreach (var container in containers) container["image"] = $"{name}:{image.Str("newTag")}";
        }

        if (kustomization.Str("namespace") is { } ns)
            foreach (var manifest in manifests.Where(m => m.Kind != "Namespace"))
                ((Dictionary<object, object>)manifest.Root["metadata"])["namespace"] = ns;
        return manifests;
    }

    public static IEnumerable<Dictionary<object, object>> Containers(Manifest manifest) =>
        manifest.Root.Maps("spec", "template", "spec", "containers");

    private static void Generate(List<Manifest> manifests, string file, string kind, Dictionary<object, object> generator)
    {
        var name = generator.Str("name")!;
        var literals = (generator.At("literals") as List<object> ?? []).Cast<string>()
            .Select(l => l.Split('=', 2)).ToDictionary(p => (object)p[0], p => (object)p[1]);
        var existing = manifests.SingleOrDefault(m => m.Kind == kind && m.Name == name);
        if (generator.Str("behavior") == "merge")
        {
            Assert.True(existing is not null, $"{file}: {kind} {name} to merge into is not in the base");
            var data = (Dictionary<object, object>)existing!.Root["data"];
            foreach (var (key, value) in literals) data[key] = value;
            return;
        }
        Assert.True(existing is null, $"{file}: {kind} {name} is generated but also exists");
        manifests.Add(new Manifest(file, new Dictionary<object, object>
        {
            ["apiVersion"] = "v1", ["kind"] = kind,
            ["metadata"] = new Dictionary<object, object> { ["name"] = name },
            [kind == "Secret" ? "stringData" : "data"] = literals,
        }));
    }

    private static void Apply(Manifest target, Dictionary<object, object> operation)
    {
        var op = operation.Str("op");
        var segments = operation.Str("path")!.Trim('/').Split('/');
        var parent = target.Root.At(segments[..^1].Cast<object>().ToArray()) as Dictionary<object, object>;
        Assert.True(parent is not null, $"patch path {operation.Str("path")} does not exist in {target}");
        Assert.True(op is "add" or "replace", $"patch operation {op} is not checked by the manifest test");
        if (op == "replace")
            Assert.True(parent!.ContainsKey(segments[^1]), $"patch replaces {operation.Str("path")}, which {target} does not have");
        parent![segments[^1]] = operation["value"];
    }
}
