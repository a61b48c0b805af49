using System.Text.RegularExpressions;

namespace SandboxRegistry.Deployment.Tests;

/// <summary>
/// Every manifest under deploy/k8s parses, and everything in it that refers to something finds it: kustomization
/// resources and patch targets, Services and budgets and autoscalers to Deployments through their labels, ports by
/// name, probes to the health endpoints, Secrets and ConfigMaps (including those the operators create) with the keys
/// used, connection strings to the database and broker Services, audit peers to the services' Services.
/// </summary>
public sealed partial class ManifestReferenceTests
{
    private static readonly string Root = FindRoot();
    private static readonly string K8s = Path.Combine(Root, "deploy", "k8s");

    public static TheoryData<string> Overlays() =>
        new(Directory.GetDirectories(Path.Combine(K8s, "overlays")).Select(Path.GetFileName).Order()!);

    private static readonly string[] Services = ["sandbox-applications", "ai-system-registry", "incident-claims"];

    [Fact]
    public void Every_yaml_file_parses_and_every_object_has_a_kind_and_a_name()
    {
        var files = Directory.GetFiles(K8s, "*.yaml", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var documents = Yaml.Documents(file);
            Assert.True(documents.Count > 0, $"{file} holds no document");
            foreach (var document in documents.Where(d => d.Str("kind") != "Kustomization"))
            {
                Assert.False(string.IsNullOrEmpty(document.Str("apiVersion")), $"{file}: an object without apiVersion");
                Assert.False(string.IsNullOrEmpty(new Manifest(file, document).Name), $"{file}: an object without a name");
            }
        }
    }

    [Fact]
    public void Every_yaml_file_is_part_of_a_kustomization()
    {
        var used = new HashSet<string>();
        foreach (var kustomization in Directory.GetFiles(K8s, "kustomization.yaml", SearchOption.AllDirectories))
        {
            used.Add(kustomization);
            var directory = Path.GetDirectoryName(kustomization)!;
            foreach (var resource in (Yaml.Documents(kustomization).Single().At("resources") as List<object> ?? []).Cast<string>())
                used.Add(Path.GetFullPath(Path.Combine(directory, resource)));
        }
        var orphans = Directory.GetFiles(K8s, "*.yaml", SearchOption.AllDirectories).Where(f => !used.Contains(f)).ToList();
        Assert.Empty(orphans);
    }

    [Fact]
    public void The_base_has_the_three_services_with_their_budgets_autoscalers_and_the_operators_clusters()
    {
        var manifests = Kustomize.Render(Path.Combine(K8s, "base"));
        var kinds = manifests.Select(m => $"{m.Kind}/{m.Name}").Order().ToList();
        var expected = Services.SelectMany(s => new[] { $"Deployment/{s}", $"HorizontalPodAutoscaler/{s}", $"PodDisruptionBudget/{s}", $"Service/{s}" })
            .Concat(["Cluster/sandbox-postgres", "ConfigMap/sandbox-registry-config", "Database/ai-system-registry",
                "Database/incident-claims", "RabbitmqCluster/sandbox-rabbitmq"])
            .Order().ToList();
        Assert.Equal(expected, kinds);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Deployments_run_at_least_two_replicas_with_probes_on_the_health_endpoints_and_measured_resources(string overlay)
    {
        var manifests = Kustomize.Render(Path.Combine(K8s, "overlays", overlay));
        var deployments = manifests.Where(m => m.Kind == "Deployment").ToList();
        Assert.Equal(Services.Order(), deployments.Select(d => d.Name).Order());
        foreach (var deployment in deployments)
        {
            Assert.True(int.Parse(deployment.Root.Str("spec", "replicas")!) >= 2, $"{deployment}: fewer than two replicas");
            var podLabels = deployment.Root.StringMap("spec", "template", "metadata", "labels");
            var selector = deployment.Root.StringMap("spec", "selector", "matchLabels");
            Assert.NotEmpty(selector);
            Assert.True(Selects(selector, podLabels), $"{deployment}: its selector does not match its own pods");
            var container = Assert.Single(Kustomize.Containers(deployment));
            var ports = container.Maps("ports").ToDictionary(p => p.Str("name")!, p => p.Str("containerPort")!);
            Assert.Equal("/health/ready", container.Str("readinessProbe", "httpGet", "path"));
            Assert.Equal("/health/live", container.Str("livenessProbe", "httpGet", "path"));
            foreach (var probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" })
            {
                var port = container.Str(probe, "httpGet", "port");
                Assert.True(port is null || ports.ContainsKey(port) || ports.ContainsValue(port), $"{deployment}: {probe} names port {port}, which the container does not open");
            }
            Assert.Equal("8080", ports["http"]);
            Assert.Equal("9464", ports["metrics"]);
            foreach (var path in new[] { new object[] { "requests", "memory" }, ["limits", "memory"], ["requests", "cpu"] })
                Assert.False(string.IsNullOrEmpty(container.Str(["resources", .. path])), $"{deployment}: no resources.{string.Join('.', path)}");
            Assert.True(Mebibytes(container.Str("resources", "limits", "memory")!) >= Mebibytes(container.Str("resources", "requests", "memory")!));
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Services_budgets_and_autoscalers_find_their_deployments_and_ports(string overlay)
    {
        var manifests = Kustomize.Render(Path.Combine(K8s, "overlays", overlay));
        var deployments = manifests.Where(m => m.Kind == "Deployment").ToList();
        foreach (var service in manifests.Where(m => m.Kind == "Service"))
        {
            var selected = deployments.Where(d => Selects(service.Root.StringMap("spec", "selector"),
                d.Root.StringMap("spec", "template", "metadata", "labels"))).ToList();
            var deployment = Assert.Single(selected);
            var containerPorts = Kustomize.Containers(deployment).SelectMany(c => c.Maps("ports")).ToList();
            foreach (var port in service.Root.Maps("spec", "ports"))
                Assert.True(containerPorts.Any(p => p.Str("name") == port.Str("targetPort") || p.Str("containerPort") == port.Str("targetPort")),
                    $"{service}: targetPort {port.Str("targetPort")} is not a port of {deployment}");
        }
        foreach (var budget in manifests.Where(m => m.Kind == "PodDisruptionBudget"))
        {
            var deployment = Assert.Single(deployments, d => Selects(budget.Root.StringMap("spec", "selector", "matchLabels"),
                d.Root.StringMap("spec", "template", "metadata", "labels")));
            Assert.True(int.Parse(budget.Root.Str("spec", "minAvailable")!) < int.Parse(deployment.Root.Str("spec", "replicas")!),
                $"{budget} would block every voluntary disruption of {deployment}");
        }
        foreach (var autoscaler in manifests.Where(m => m.Kind == "HorizontalPodAutoscaler"))
        {
            Assert.Equal("Deployment", autoscaler.Root.Str("spec", "scaleTargetRef", "kind"));
            Assert.Contains(deployments, d => d.Name == autoscaler.Root.Str("spec", "scaleTargetRef", "name"));
            Assert.True(int.Parse(autoscaler.Root.Str("spec", "minReplicas")!) >= 2, $"{autoscaler} may scale below two replicas");
        }
        Assert.Equal(Services.Order(), manifests.Where(m => m.Kind == "PodDisruptionBudget").Select(m => m.Name).Order());
        Assert.Equal(Services.Order(), manifests.Where(m => m.Kind == "HorizontalPodAutoscaler").Select(m => m.Name).Order());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Configuration_and_secrets_referred_to_exist_with_the_keys_used(string overlay)
    {
        var manifests = Kustomize.Render(Path.Combine(K8s, "overlays", overlay));
        var secrets = SecretKeys(manifests);
        var configMaps = manifests.Where(m => m.Kind == "ConfigMap").ToDictionary(m => m.Name, m => m.Root.StringMap("data"));
        foreach (var deployment in manifests.Where(m => m.Kind == "Deployment"))
            foreach (var container in Kustomize.Containers(deployment))
            {
                var defined = new HashSet<string>();
                foreach (var source in container.Maps("envFrom"))
                {
                    var name = source.Str("configMapRef", "name")!;
                    Assert.True(configMaps.TryGetValue(name, out var data), $"{deployment}: ConfigMap {name} does not exist");
                    defined.UnionWith(data!.Keys);
                }
                foreach (var variable in container.Maps("env"))
                {
                    if (variable.At("valueFrom", "secretKeyRef") is { } secretRef)
                    {
                        var name = secretRef.Str("name")!;
                        Assert.True(secrets.TryGetValue(name, out var keys), $"{deployment}: Secret {name} is neither in the manifests nor made by an operator");
                        Assert.Contains(secretRef.Str("key")!, keys!);
                    }
                    // $(NAME) in a value expands only a variable defined before it.
                    foreach (Match reference in VariableReference().Matches(variable.Str("value") ?? ""))
                        Assert.True(defined.Contains(reference.Groups[1].Value), $"{deployment}: {variable.Str("name")} uses $({reference.Groups[1].Value}) before it is defined");
                    defined.Add(variable.Str("name")!);
                }
                foreach (var required in new[] { "ConnectionStrings__Postgres", "ConnectionStrings__RabbitMq", "PGUSER", "PGPASSWORD",
                             "RabbitMq__Username", "RabbitMq__Password", "Vault__MasterKey", "Metrics__Port", "ASPNETCORE_URLS" })
                    Assert.True(defined.Contains(required), $"{deployment}: {required} is not set");
            }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Connection_strings_and_peers_name_services_that_exist(string overlay)
    {
        var manifests = Kustomize.Render(Path.Combine(K8s, "overlays", overlay));
        var services = ServicePorts(manifests);
        var postgres = Assert.Single(manifests, m => m.Kind == "Cluster");
        var databases = manifests.Where(m => m.Kind == "Database").Select(d => d.Root.Str("spec", "name")!)
            .Append(postgres.Root.Str("spec", "bootstrap", "initdb", "database")!).ToHashSet();
        var config = manifests.Single(m => m is { Kind: "ConfigMap", Name: "sandbox-registry-config" }).Root.StringMap("data");

        foreach (var deployment in manifests.Where(m => m.Kind == "Deployment"))
        {
            var env = Kustomize.Containers(deployment).Single().Maps("env").Where(e => e.Str("value") is not null)
                .ToDictionary(e => e.Str("name")!, e => e.Str("value")!);
            var connection = env["ConnectionStrings__Postgres"].Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
            Assert.True(services.TryGetValue(connection["Host"], out var ports), $"{deployment}: no Service {connection["Host"]}");
            Assert.Contains(connection["Port"], ports!);
            Assert.Equal($"{postgres.Name}-rw", connection["Host"]); // the primary, wherever it runs after a failover
            Assert.Contains(connection["Database"], databases);
            Assert.Equal(deployment.Name.Replace('-', '_'), connection["Database"]);
            Assert.False(connection.ContainsKey("Password"), $"{deployment}: a password in the connection string");
        }

        var broker = new Uri(config["ConnectionStrings__RabbitMq"]);
        Assert.True(services.TryGetValue(broker.Host, out var brokerPorts), $"no Service {broker.Host} for the broker");
        Assert.Contains(broker.Port.ToString(), brokerPorts!);
        Assert.Equal("", broker.UserInfo);

        var peers = config.Where(e => e.Key.StartsWith("Audit__Peers__")).ToList();
        Assert.Equal(Services.Order(), peers.Select(p => p.Key["Audit__Peers__".Length..]).Order());
        foreach (var (_, url) in peers)
        {
            var uri = new Uri(url);
            Assert.True(services.TryGetValue(uri.Host, out var peerPorts), $"audit peer {url} is no Service");
            Assert.Contains(uri.Port.ToString(), peerPorts!);
        }
    }

    [Fact]
    public void The_database_replicates_synchronously_and_the_broker_runs_three_nodes()
    {
        var manifests = Kustomize.Render(Path.Combine(K8s, "base"));
        var postgres = Assert.Single(manifests, m => m.Kind == "Cluster");
        Assert.True(int.Parse(postgres.Root.Str("spec", "instances")!) >= 2);
        Assert.Equal("any", postgres.Root.Str("spec", "postgresql", "synchronous", "method"));
        Assert.Equal("1", postgres.Root.Str("spec", "postgresql", "synchronous", "number"));
        Assert.Equal("required", postgres.Root.Str("spec", "postgresql", "synchronous", "dataDurability"));
        var owner = postgres.Root.Str("spec", "bootstrap", "initdb", "owner");
        foreach (var database in manifests.Where(m => m.Kind == "Database"))
        {
            Assert.Equal(postgres.Name, database.Root.Str("spec", "cluster", "name"));
            Assert.Equal(owner, database.Root.Str("spec", "owner")); // the one app Secret's user owns every database
        }
        var rabbit = Assert.Single(manifests, m => m.Kind == "RabbitmqCluster");
        Assert.Equal("3", rabbit.Root.Str("spec", "replicas"));
        Assert.Contains("default_queue_type = quorum", rabbit.Root.Str("spec", "rabbitmq", "additionalConfig"));
    }

    private static bool Selects(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    private static int Mebibytes(string quantity) => quantity.EndsWith("Gi") ? int.Parse(quantity[..^2]) * 1024 : int.Parse(quantity.TrimEnd('M', 'i'));

    /// <summary>Secrets in the manifests and those the operators create for their clusters, with their keys.</summary>
    private static Dictionary<string, HashSet<string>> SecretKeys(List<Manifest> manifests)
    {
        var secrets = manifests.Where(m => m.Kind == "Secret").ToDictionary(m => m.Name,
            m => m.Root.StringMap("stringData").Keys.Concat(m.Root.StringMap("data").Keys).ToHashSet());
        // CloudNativePG: <cluster>-app for the owner of the bootstrap database; RabbitMQ Cluster Operator: <cluster>-default-user.
        foreach (var cluster in manifests.Where(m => m.Kind == "Cluster"))
            secrets[$"{cluster.Name}-app"] = ["username", "password", "host", "port", "dbname", "uri", "pgpass"];
        foreach (var cluster in manifests.Where(m => m.Kind == "RabbitmqCluster"))
            secrets[$"{cluster.Name}-default-user"] = ["username", "password", "host", "port", "default_user.conf"];
        return secrets;
    }

    /// <summary>Services in the manifests and those the operators create, with their ports.</summary>
    private static Dictionary<string, HashSet<string>> ServicePorts(List<Manifest> manifests)
    {
        var services = manifests.Where(m => m.Kind == "Service")
            .ToDictionary(m => m.Name, m => m.Root.Maps("spec", "ports").Select(p => p.Str("port")!).ToHashSet());
        foreach (var cluster in manifests.Where(m => m.Kind == "Cluster"))
            foreach (var suffix in new[] { "rw", "ro", "r" })
                services[$"{cluster.Name}-{suffix}"] = ["5432"];
        foreach (var cluster in manifests.Where(m => m.Kind == "RabbitmqCluster"))
            services[cluster.Name] = ["5672", "15672"];
        return services;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "SandboxRegistry.sln"))) return directory.FullName;
        throw new InvalidOperationException("The repository root (SandboxRegistry.sln) is not above the test's directory.");
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex VariableReference();
}
