using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Security;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>
    /// The engine says what is wrong in .NET terms; the advice in PowerShell terms (which parameter, which cmdlet)
    /// is the cmdlet layer's, in ErrorDetails.RecommendedAction.
    /// </summary>
    public sealed class RecommendedActionTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public RecommendedActionTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        private static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (char c in text)
            {
                secure.AppendChar(c);
            }

            return secure;
        }

        [Fact]
        public void PlainHttpRefusalAdvisesTheSwitchAndTheEngineNamesTheOption()
        {
            using var session = new PowerShellSession();
            var result = session.Run("Connect-Loomcycle http://loomcycle.example.com -Token $t", new Dictionary<string, object?> { ["t"] = Secure("secret-123456") });

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.DoesNotContain("-AllowUnencryptedAuthentication", error.Exception.Message);
            Assert.Contains("LoomcycleConnectionOptions.AllowUnencryptedAuthentication", error.Exception.Message);
            Assert.Equal("Use an https:// URL, or pass -AllowUnencryptedAuthentication if this network is trusted.", error.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void UserInfoRefusalAdvisesTheTokenParameter()
        {
            using var session = new PowerShellSession();
            var result = session.Run("Connect-Loomcycle 'http://user@127.0.0.1:1/'");

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.DoesNotContain("-Token", error.Exception.Message);
            Assert.Contains("-Token", error.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void AQueryInTheBaseUrlGetsNoAdviceAboutTheSwitch()
        {
            using var session = new PowerShellSession();
            var result = session.Run("Connect-Loomcycle 'http://evil.example/?a=1' -Token $t", new Dictionary<string, object?> { ["t"] = Secure("secret-123456") });

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Contains("query or a fragment", error.Exception.Message);
            Assert.Null(error.ErrorDetails);
        }

        [Fact]
        public void ExportOverAnExistingFileAdvisesForce()
        {
            _fixture.Server.State.AddSnapshot("snap_a", "{}", null, System.DateTimeOffset.UtcNow);
            DirectoryInfo folder = Directory.CreateTempSubdirectory("lc-advice-");
            try
            {
                File.WriteAllText(Path.Combine(folder.FullName, "snap_a.json"), "old");
                var result = _fixture.Session.Run("Export-LoomcycleSnapshot snap_a -Path $folder", new Dictionary<string, object?> { ["folder"] = folder.FullName });

                ErrorRecord error = Assert.Single(result.AllErrors);
                Assert.Equal("InvalidArgument,Loomcycle.PowerShell.Commands.ExportLoomcycleSnapshotCommand", error.FullyQualifiedErrorId);
                Assert.DoesNotContain("-Force", error.Exception.Message);
                Assert.Equal("Use -Force to overwrite the file.", error.ErrorDetails.RecommendedAction);
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        }

        [Fact]
        public void AClosedConnectionEndsTheCommandWithAdviceToConnectAgain()
        {
            var result = _fixture.Session.Run(
                $"$d = Connect-Loomcycle -BaseUrl '{_fixture.Server.BaseUri}' -PassThru -NoDefault; Disconnect-Loomcycle -Connection $d; Get-LoomcycleRuntimeState -Connection $d");

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Equal("ConnectionClosed,Loomcycle.PowerShell.Commands.GetLoomcycleRuntimeStateCommand", error.FullyQualifiedErrorId);
            Assert.IsType<System.ObjectDisposedException>(error.Exception);
            Assert.DoesNotContain("Disconnect-Loomcycle", error.Exception.Message);
            Assert.Contains("Connect-Loomcycle", error.ErrorDetails.RecommendedAction);
            Assert.Empty(_fixture.Server.Requests);
        }
    }
}
