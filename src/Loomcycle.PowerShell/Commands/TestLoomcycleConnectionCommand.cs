using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Tests whether the server answers and, when there is a token, whether it accepts it.</summary>
    /// <remarks>
    /// Returns $true or $false and never throws for an unreachable server, so it fits in an if statement.
    /// It calls GET /healthz; with a token it then calls GET /v1/_users, which any valid token may read,
    /// and returns $false if the server answers 401 or 403. -Verbose says why a test failed.
    /// </remarks>
    /// <example>
    /// <code>if (-not (Test-LoomcycleConnection)) { throw 'loomcycle is down' }</code>
    /// <para>Stops a script early when the server is not reachable or the token is refused.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "LoomcycleConnection")]
    [OutputType(typeof(bool))]
    public sealed class TestLoomcycleConnectionCommand : LoomcycleCmdlet
    {
        protected override void EndProcessing()
        {
            WriteObject(Test());
        }

        private bool Test()
        {
            LoomcycleConnection connection;
            try
            {
                connection = ResolvedConnection;
                Health health = Invoke((c, token) => c.GetHealthAsync(token));
                if (!health.Ok)
                {
                    WriteVerbose($"{connection.BaseUri} answered /healthz but does not report ok.");
                    return false;
                }

                if (connection.HasToken)
                {
                    Invoke((c, token) => c.ListUsersAsync(token));
                }

                return true;
            }
            catch (AuthException ex)
            {
                WriteVerbose($"The server refused the token: {ex.Message}");
                return false;
            }
            catch (UnavailableException)
            {
                return true; // authenticated, the listing itself is just not available (no store)
            }
            catch (LoomcycleException ex)
            {
                WriteVerbose($"The server could not be reached or answered an error: {ex.Message}");
                return false;
            }
        }
    }
}
