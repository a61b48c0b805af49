using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SandboxRegistry.EventSourcing.PersonalData;

namespace SandboxRegistry.Shared.Tests;

public class PersonalDataVaultTests
{
    private static readonly PersonalDataVault Vault = new(
        Options.Create(new VaultOptions { MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }), TimeProvider.System);

    [Fact]
    public void Ciphertext_reveals_nothing_and_decrypts_with_the_persons_key()
    {
        var keyId = Guid.NewGuid();
        var key = RandomNumberGenerator.GetBytes(32);

        var value = Vault.Encrypt(keyId, key, "Иванова Мария Петровна");

        Assert.Equal(keyId, value.KeyId);
        Assert.DoesNotContain("Иванова", value.Ciphertext);
        Assert.Equal("Иванова Мария Петровна", PersonalDataVault.Reveal(value, new Dictionary<Guid, byte[]> { [keyId] = key }));
    }

    [Fact]
    public void Without_the_key_the_value_reads_as_erased() =>
        Assert.Equal(PersonalDataVault.ErasedMarker,
            PersonalDataVault.Reveal(Vault.Encrypt(Guid.NewGuid(), RandomNumberGenerator.GetBytes(32), "+7 900 000-00-00"),
                new Dictionary<Guid, byte[]>()));

    [Fact]
    public void A_ciphertext_moved_under_another_persons_key_id_does_not_decrypt()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var value = Vault.Encrypt(Guid.NewGuid(), key, "secret");
        var moved = value with { KeyId = Guid.NewGuid() };

        Assert.ThrowsAny<CryptographicException>(() =>
            PersonalDataVault.Reveal(moved, new Dictionary<Guid, byte[]> { [moved.KeyId] = key }));
    }

    [Fact]
    public void The_vault_refuses_to_start_without_a_32_byte_master_key()
    {
        Assert.Throws<InvalidOperationException>(() => new PersonalDataVault(Options.Create(new VaultOptions()), TimeProvider.System));
        Assert.Throws<InvalidOperationException>(() => new PersonalDataVault(
            Options.Create(new VaultOptions { MasterKey = Convert.ToBase64String(new byte[16]) }), TimeProvider.System));
    }
}
