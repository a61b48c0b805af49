using System.Text.Json;
using JasperFx;
using Marten.Exceptions;
using Microsoft.AspNetCore.Http;

namespace SandboxRegistry.Shared.Tests;

public class ProblemDetailsMappingTests
{
    [Fact]
    public void A_domain_rule_violation_is_a_409_with_its_stable_code()
    {
        var problem = ProblemDetailsMapping.Map(new DomainRuleViolation("regime-term-too-long", "At most 36 months."));

        Assert.Equal(409, problem.Status);
        Assert.Equal("regime-term-too-long", problem.Extensions["code"]);
        Assert.Equal("At most 36 months.", problem.Detail);
    }

    [Fact]
    public void A_stale_stream_version_is_a_412()
    {
        var problem = ProblemDetailsMapping.Map(new ConcurrencyException("stale", typeof(object), Guid.NewGuid()));

        Assert.Equal(412, problem.Status);
        Assert.Equal("stale-version", problem.Extensions["code"]);
    }

    [Fact]
    public void Starting_a_stream_that_exists_is_a_409()
    {
        var problem = ProblemDetailsMapping.Map(new ExistingStreamIdCollisionException(Guid.NewGuid(), typeof(object)));

        Assert.Equal(409, problem.Status);
        Assert.Equal("already-exists", problem.Extensions["code"]);
    }

    [Fact]
    public void Malformed_json_is_a_400_that_names_the_field_without_echoing_the_body()
    {
        var json = new JsonException("secret body fragment", "$.minimumSumInsured.amount", 1, 30);
        var problem = ProblemDetailsMapping.Map(new BadHttpRequestException("Failed to read parameter", 400, json));

        Assert.Equal(400, problem.Status);
        Assert.Equal("malformed-json", problem.Extensions["code"]);
        var errors = Assert.IsType<Dictionary<string, string[]>>(problem.Extensions["errors"]);
        Assert.Equal(["minimumSumInsured.amount"], errors.Keys);
        Assert.DoesNotContain("secret", problem.Detail);
    }

    [Fact]
    public void An_oversized_body_is_a_413()
    {
        var problem = ProblemDetailsMapping.Map(new BadHttpRequestException("Request body too large.", 413));

        Assert.Equal(413, problem.Status);
        Assert.Equal("body-too-large", problem.Extensions["code"]);
    }

    [Fact]
    public void Unknown_ids_are_a_404()
    {
        var problem = ProblemDetailsMapping.Map(new ResourceNotFound("No such regime."));

        Assert.Equal(404, problem.Status);
        Assert.Equal("No such regime.", problem.Detail);
    }

    [Fact]
    public void A_server_fault_is_a_500_that_does_not_reveal_the_exception()
    {
        var problem = ProblemDetailsMapping.Map(new InvalidOperationException("connection string with password=hunter2"));

        Assert.Equal(500, problem.Status);
        Assert.DoesNotContain("hunter2", problem.Detail);
        Assert.Equal("internal-error", problem.Extensions["code"]);
    }

    [Theory]
    [InlineData("Title", "title")]
    [InlineData("MinimumSumInsured.Amount", "minimumSumInsured.amount")]
    [InlineData("Territory[0]", "territory[0]")]
    public void Field_errors_are_keyed_by_the_json_path(string property, string expected) =>
        Assert.Equal(expected, FieldErrors.ToJsonPath(property));
}
