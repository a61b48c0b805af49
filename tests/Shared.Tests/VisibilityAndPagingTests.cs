namespace SandboxRegistry.Shared.Tests;

public class VisibilityTests
{
    private static readonly ResourceOwner Company = ResourceOwner.Company("1027700132195");
    private static readonly ResourceOwner Integration = ResourceOwner.Integration("gosuslugi");

    [Fact]
    public void Officials_see_everything_an_applicant_its_company_an_integration_its_reports_and_nobody_else_anything()
    {
        Actor Token(string role, string? org = null, string? client = null) => new("sub-1", role, org, client);

        Assert.True(Token(Roles.Regulator).Sees(Company));
        Assert.True(Token(Roles.Auditor).Sees(Integration));
        Assert.True(Token(Roles.Applicant, org: "1027700132195").Sees(Company));
        Assert.False(Token(Roles.Applicant, org: "1027739049689").Sees(Company));
        Assert.True(Token(Roles.Integration, client: "gosuslugi").Sees(Integration));
        Assert.False(Token(Roles.Integration, client: "insurer").Sees(Integration));
        // The kind matters, not only the string: a client id equal to an OGRN sees no company's records.
        Assert.False(Token(Roles.Integration, client: "1027700132195").Sees(Company));
        Assert.False(Token(Roles.Applicant, org: "gosuslugi").Sees(Integration));
        // A token without its key sees nothing, even a resource stored with an empty owner.
        Assert.False(Token(Roles.Applicant).Sees(ResourceOwner.Company("")));
        Assert.False(Token(Roles.Integration, client: "").Sees(ResourceOwner.Integration("")));
        Assert.False(Token("service").Sees(Company));
    }
}

public class PagingTests
{
    [Fact]
    public void Page_and_size_default_and_are_capped()
    {
        Assert.Equal(new Paging(1, 20), Paging.From(null, null));
        Assert.Equal(0, Paging.From(1, 100).Skip);
        Assert.Equal(200, Paging.From(3, 100).Skip);
        Assert.Equal("pageSize", Assert.Throws<InvalidPaging>(() => Paging.From(1, 101)).Parameter);
        Assert.Equal("pageSize", Assert.Throws<InvalidPaging>(() => Paging.From(1, 0)).Parameter);
        Assert.Equal("page", Assert.Throws<InvalidPaging>(() => Paging.From(0, 20)).Parameter);
    }

    [Fact]
    public void A_page_whose_offset_would_overflow_is_refused_instead_of_becoming_a_negative_offset()
    {
        Assert.Equal("page", Assert.Throws<InvalidPaging>(() => Paging.From(int.MaxValue, 20)).Parameter);
        Assert.Equal("page", Assert.Throws<InvalidPaging>(() => Paging.From(int.MaxValue / 100 + 2, 100)).Parameter);
        Assert.Equal(int.MaxValue / 100 * 100, Paging.From(int.MaxValue / 100 + 1, 100).Skip);
    }

    [Fact]
    public void A_list_in_memory_is_cut_into_the_same_pages_with_its_total()
    {
        var page = Enumerable.Range(1, 45).ToPage(Paging.From(3, 20));

        Assert.Equal(new[] { 41, 42, 43, 44, 45 }, page.Items);
        Assert.Equal((3, 20, 45L), (page.Page, page.PageSize, page.Total));
        Assert.Empty(Enumerable.Range(1, 45).ToPage(Paging.From(4, 20)).Items);
    }
}
