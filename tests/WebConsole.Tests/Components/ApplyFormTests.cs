using System.Security.Claims;
using Bunit;
using SandboxRegistry.WebConsole.Components.Pages;

namespace SandboxRegistry.WebConsole.Tests.Components;

public sealed class ApplyFormTests : ConsoleComponentTest
{
    private static readonly Guid Regime = Guid.Parse("0196a000-0000-7000-8000-000000000001");

    public ApplyFormTests() : base("applicant", new Claim("org", Ogrn))
    {
        Api.Reads[$"regimes/{Regime}"] = new
        {
            id = Regime, title = "Delivery drones over Moscow", status = "active", startsOn = "2026-01-01", endsOn = "2028-12-31",
            territory = new[] { "77" }, insurance = new { minimumSumInsured = new { amount = 10_000_000m, currency = "RUB" } },
        };
    }

    [Fact]
    public void Ogrn_and_inn_are_checked_as_they_are_typed()
    {
        var page = Render<Apply>(p => p.Add(a => a.RegimeId, Regime));

        Assert.Equal(Ogrn, page.Find("#ogrn").GetAttribute("value")); // the company named by the session's token
        Assert.DoesNotContain("Invalid OGRN", FieldText(page, "ogrn"));

        page.Find("#ogrn").Input("1027700132194");
        page.Find("#inn").Input("7707083890");
        Assert.Contains("Invalid OGRN: 13 digits whose check digit matches", FieldText(page, "ogrn"));
        Assert.Contains("Invalid INN: 10 or 12 digits whose check digits match", FieldText(page, "inn"));

        page.Find("#ogrn").Input(Ogrn);
        page.Find("#inn").Input("7707083893");
        Assert.DoesNotContain("Invalid OGRN", FieldText(page, "ogrn"));
        Assert.DoesNotContain("Invalid INN", FieldText(page, "inn"));
        Assert.Empty(Api.Sent);
    }

    [Fact]
    public void Field_errors_of_a_refused_application_appear_next_to_the_fields_they_name()
    {
        Api.OnSend = (_, _, _) => FakeApi.Refused(400, "validation-failed", "One or more validation errors occurred.", errors: new()
        {
            ["company.inn"] = ["'INN' is not a valid INN."],
            ["responsiblePersons[0].fullName"] = ["'Full Name' must not be empty."],
            ["territory[0]"] = ["'Territory' must be a region code."],
            ["contact"] = ["Give an email or a phone."],
        });
        var page = Render<Apply>(p => p.Add(a => a.RegimeId, Regime));

        page.Find("#application-form").Submit();

        page.WaitForAssertion(() => Assert.Contains("'INN' is not a valid INN.", FieldText(page, "inn")));
        Assert.Contains("'Full Name' must not be empty.", FieldText(page, "person0-fullName"));
        Assert.Contains("'Territory' must be a region code.", FieldText(page, "territory"));
        var alert = page.Find("#problem").TextContent;
        Assert.Contains("One or more validation errors occurred.", alert);
        Assert.Contains("(400, validation-failed)", alert);
        // A field the form has no input for is named in the alert; the others only beside their inputs.
        Assert.Contains("contact: Give an email or a phone.", alert);
        Assert.DoesNotContain("'INN' is not a valid INN.", alert);
        Assert.DoesNotContain("'Full Name' must not be empty.", alert);
    }

    [Fact]
    public void A_domain_refusal_is_shown_at_the_field_it_concerns()
    {
        Api.OnSend = (_, _, _) => FakeApi.Refused(409, "insurance-below-minimum", "The request conflicts with the current state.",
            "The sum insured 5000000 RUB is below the programme's minimum of 10000000 RUB.");
        var page = Render<Apply>(p => p.Add(a => a.RegimeId, Regime));

        page.Find("#application-form").Submit();

        page.WaitForAssertion(() => Assert.Contains("below the programme's minimum", FieldText(page, "sumInsured")));
        Assert.Contains("(409, insurance-below-minimum)", page.Find("#problem").TextContent);
    }

    [Fact]
    public void The_application_sent_is_the_whole_form()
    {
        var page = Render<Apply>(p => p.Add(a => a.RegimeId, Regime));
        page.Find("#legalName").Change("Aero LLC");
        page.Find("#inn").Input("7707083893");
        page.Find("#email").Change("office@aero.example");
        page.Find("#plannedAiUse").Change("Parcel delivery by drones");
        page.Find("#insurerName").Change("Ingosstrakh");
        page.Find("#insurerInn").Input("7705042179");
        page.Find("#policyNumber").Change("GO-2026-0077");
        page.Find("#person0-fullName").Change("Ivan Petrov");
        page.Find("#person0-position").Change("CTO");
        page.Find("#person0-area").Change("Autopilot");
        page.Find("#person0-email").Change("petrov@aero.example");

        page.Find("#application-form").Submit();

        var (method, _, path, body) = Assert.Single(Api.Sent);
        Assert.Equal(HttpMethod.Post, method);
        Assert.Equal("applications", path);
        Assert.Equal(
            $$$"""{"regimeId":"{{{Regime}}}","company":{"legalName":"Aero LLC","ogrn":"{{{Ogrn}}}","inn":"7707083893","address":null},"contact":{"email":"office@aero.example","phone":null},"plannedAiUse":"Parcel delivery by drones","requestedTerm":{"startsOn":"2026-01-01","endsOn":"2028-12-31"},"territory":["77"],"insurance":{"insurerName":"Ingosstrakh","insurerInn":"7705042179","policyNumber":"GO-2026-0077","sumInsured":{"amount":10000000,"currency":"RUB"},"coveredRisks":["life","health"],"coversAiHarm":true,"validFrom":"2026-01-01","validTo":"2028-12-31"},"responsiblePersons":[{"fullName":"Ivan Petrov","position":"CTO","areaOfResponsibility":"Autopilot","contact":{"email":"petrov@aero.example"}}]}""",
            body.GetRawText());
    }
}
