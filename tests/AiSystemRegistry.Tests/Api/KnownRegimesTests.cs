using SandboxRegistry.Testing;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

public class KnownRegimesTests(ServiceFixture<ServiceMarker> fixture) : RegimeReadModelSpec<ServiceMarker>(fixture);
