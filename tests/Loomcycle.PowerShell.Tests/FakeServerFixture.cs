using System;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>A fake server and a runspace connected to it, shared by the tests of one class.</summary>
    public class ServerAndSession : IAsyncLifetime
    {
        public FakeLoomcycleServer Server { get; private set; } = null!;

        public PowerShellSession Session { get; private set; } = null!;

        public virtual FakeServerOptions Options => new FakeServerOptions { KeepaliveInterval = TimeSpan.FromMilliseconds(200) };

        public async Task InitializeAsync()
        {
            Server = await FakeLoomcycleServer.StartAsync(Options);
            Session = new PowerShellSession();
            Session.Run($"Connect-Loomcycle -BaseUrl '{Server.BaseUri}'").ThrowIfErrors();
        }

        public async Task DisposeAsync()
        {
            Session.Dispose();
            await Server.DisposeAsync();
        }
    }
}
