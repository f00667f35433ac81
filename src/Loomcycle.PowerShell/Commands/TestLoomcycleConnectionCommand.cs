using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Tests whether the server can be reached and, when there is a token, whether it accepts it.</summary>
    /// <remarks>
    /// Returns $true or $false and never throws for an unreachable server, so it fits in an if statement.
    /// It calls GET /healthz; with a token it then calls GET /v1/_users with it. The result is $false only when
    /// the server cannot be reached (no connection, no answer in time, or not a loomcycle server at /healthz)
    /// or when it refuses the token (401 or 403). A server that answers and does not refuse the token is $true,
    /// even when it has no user listing (404) or the listing fails for another reason. -Verbose says why.
    /// </remarks>
    /// <example>
    /// <code>if (-not (Test-LoomcycleConnection)) { throw 'loomcycle is down or refuses the token' }</code>
    /// <para>Stops a script early when the server is not reachable or the token is refused.</para>
    /// </example>
    /// <example>
    /// <code>Test-LoomcycleConnection -Connection $prod -Verbose</code>
    /// <para>Tests another connection and says in the verbose stream why it failed.</para>
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
            LoomcycleConnection connection = ResolvedConnection;
            try
            {
                Health health = InvokeEngine((c, token) => c.GetHealthAsync(token));
                if (!health.Ok)
                {
                    WriteVerbose($"{connection.BaseUri} answered /healthz but does not report ok; it is reachable.");
                }
            }
            catch (LoomcycleException ex)
            {
                WriteVerbose($"{connection.BaseUri} could not be reached at /healthz: {ex.Message}");
                return false;
            }

            if (!connection.HasToken)
            {
                return true;
            }

            try
            {
                InvokeEngine((c, token) => c.ListUsersAsync(token));
            }
            catch (AuthException ex)
            {
                WriteVerbose($"The server refused the token: {ex.Message}");
                return false;
            }
            catch (LoomcycleException ex) when (ex is LoomcycleConnectionException || ex is LoomcycleTimeoutException)
            {
                WriteVerbose($"{connection.BaseUri} stopped answering: {ex.Message}");
                return false;
            }
            catch (LoomcycleException ex)
            {
                // The server answered without refusing the token (404 on servers without the listing, 503 without a store …).
                WriteVerbose($"The token was not refused; the check route answered: {ex.Message}");
            }

            return true;
        }
    }
}
