using SandboxRegistry.Testing;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

public class KnownRegimesTests(ServiceFixture<ServiceMarker> fixture) : RegimeReadModelSpec<ServiceMarker>(fixture);
