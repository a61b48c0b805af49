using SandboxRegistry.WebConsole;

var builder = WebApplication.CreateBuilder(args);
builder.AddConsole();
var app = builder.Build();
app.UseConsole();
app.Run();

namespace SandboxRegistry.WebConsole
{
    /// <summary>Names the console's assembly for hosts (tests) that start it.</summary>
    public sealed class ConsoleMarker;
}
