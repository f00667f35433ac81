using System.Linq;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    public sealed class ModuleImportTests
    {
        private static readonly string[] DesignCmdlets =
        {
            "Connect-Loomcycle", "Get-LoomcycleConnection", "Disconnect-Loomcycle", "Invoke-LoomcycleRun", "Send-LoomcycleMessage",
            "Get-LoomcycleHealth", "Test-LoomcycleConnection",
        };

        [Fact]
        public void ImportingTheManifestLoadsTheCoreBuildAndExportsTheCmdlets()
        {
            using var session = new PowerShellSession();
            var result = session.Run("(Get-Module Loomcycle).ExportedCmdlets.Keys; [Loomcycle.RunEvent].Assembly.Location");
            result.ThrowIfErrors();
            var names = result.Output.Select(o => o.ToString()).ToList();
            foreach (string cmdlet in DesignCmdlets)
            {
                Assert.Contains(cmdlet, names);
            }

            // The engine loaded from the module's own Core folder, and its type resolves by name in scripts.
            Assert.EndsWith(System.IO.Path.Combine("out", "Loomcycle", "bin", "Core", "Loomcycle.Client.dll"), names.Last());
        }

        [Fact]
        public void WithNoConnectionTheDefaultIsLoopbackInOpenMode()
        {
            using var session = new PowerShellSession();
            var conn = Assert.Single(session.Run("Get-LoomcycleConnection").ThrowIfErrors().Output);
            Assert.Equal("http://127.0.0.1:8787/", conn.Str("BaseUri"));
            Assert.Equal(false, conn.Prop("HasToken"));
        }
    }
}
