namespace SandboxRegistry.Testing;

/// <summary>Polls a condition until it holds or a timeout passes; tests await conditions, never fixed sleeps.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T?>> probe, TimeSpan? timeout = null, string? because = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var value = await probe();
            if (value is not null) return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Condition not met within {(timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds}s: {because}");
            await Task.Delay(50);
        }
    }

    public static async Task<T> Until<T>(Func<Task<T?>> probe, TimeSpan? timeout = null, string? because = null,
        bool _ = false) where T : struct =>
        ((Box<T>)await Until<object>(async () => await probe() is { } value ? new Box<T>(value) : null, timeout, because)).Value;

    private sealed record Box<T>(T Value);

    public static async Task True(Func<Task<bool>> probe, TimeSpan? timeout = null, string? because = null) =>
        await Until<object>(async () => await probe() ? new object() : null, timeout, because);
}
