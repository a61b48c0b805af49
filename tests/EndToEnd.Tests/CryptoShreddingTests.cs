using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SandboxRegistry.EventSourcing.PersonalData;
using SandboxRegistry.Testing;
using Applications = SandboxRegistry.SandboxApplications.ServiceMarker;

namespace SandboxRegistry.EndToEnd.Tests;

public sealed record ReporterProbe(Guid CaseId, EncryptedValue Name, EncryptedValue Phone);

/// <summary>Erasure destroys the key: the data becomes unreadable while the events and their chain stay intact.</summary>
public class CryptoShreddingTests(ServiceFixture<Applications> fixture) : IClassFixture<ServiceFixture<Applications>>
{
    private const string Name = "Смирнова Анна Игоревна";
    private const string Phone = "+7 916 555-12-34";

    private async Task<int> CountPlaintextAcrossTheDatabase(params string[] needles)
    {
        // Every table's rows as text: events, documents, seals, keys, read models.
        await using var connection = new NpgsqlConnection(fixture.Host.Postgres);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
                         "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables " +
                         "where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));

        var hits = 0;
        foreach (var table in tables)
        foreach (var needle in needles)
        {
            await using var scan = new NpgsqlCommand($"select count(*) from {table} t where t::text like '%' || @needle || '%'", connection);
            scan.Parameters.AddWithValue("needle", needle);
            hits += (int)(long)(await scan.ExecuteScalarAsync())!;
        }
        return hits;
    }

    [Fact]
    public async Task Erasing_a_persons_key_makes_their_data_unreadable_everywhere_while_the_chain_still_verifies()
    {
        var store = fixture.Host.Services.GetRequiredService<IDocumentStore>();
        var vault = fixture.Host.Services.GetRequiredService<PersonalDataVault>();
        var caseId = Guid.NewGuid();
        await using (var session = store.LightweightSession())
        {
            var keyId = vault.NewSubject(session, out var key);
            session.Events.StartStream(caseId, new ReporterProbe(caseId, vault.Encrypt(keyId, key, Name), vault.Encrypt(keyId, key, Phone)));
            await session.SaveChangesAsync();
        }

        Assert.Equal(0, await CountPlaintextAcrossTheDatabase(Name, Phone));
        await using var query = store.QuerySession();
        var stored = (ReporterProbe)(await query.Events.FetchStreamAsync(caseId)).Single().Data;
        Assert.Equal(Name, await vault.RevealAsync(query, stored.Name, CancellationToken.None));

        await using (var session = store.LightweightSession())
        {
            Assert.True(await vault.EraseAsync(session, stored.Name.KeyId, "152-FZ art. 21: request of the data subject",
                new Actor("reg-1", "regulator", null, null), CancellationToken.None));
            await session.SaveChangesAsync();
        }

        await using var after = store.QuerySession();
        Assert.Equal(PersonalDataVault.ErasedMarker, await vault.RevealAsync(after, stored.Name, CancellationToken.None));
        Assert.Equal(PersonalDataVault.ErasedMarker, await vault.RevealAsync(after, stored.Phone, CancellationToken.None));
        Assert.NotNull(await after.LoadAsync<ErasureRecord>(stored.Name.KeyId));
        Assert.Equal(0, await CountPlaintextAcrossTheDatabase(Name, Phone));

        var verification = await fixture.Host.Services.GetRequiredService<SandboxRegistry.EventSourcing.Audit.ChainVerifier>()
            .VerifyStreamAsync(caseId, CancellationToken.None);
        Assert.True(verification!.Valid);

        await using var again = store.LightweightSession();
        Assert.False(await vault.EraseAsync(again, stored.Name.KeyId, "repeat", new Actor("reg-1", "regulator", null, null),
            CancellationToken.None));
    }
}
