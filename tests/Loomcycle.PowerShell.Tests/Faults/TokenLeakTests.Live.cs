using System;
using System.Collections.Generic;

namespace Loomcycle.PowerShell.Tests.FaultTests
{
    public sealed partial class TokenLeakTests
    {
        /// <summary>Live runs and operations (issue 10).</summary>
        private static readonly Dictionary<string, string> LiveCmdlets = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Watch-LoomcycleAgent"] = "Watch-LoomcycleAgent -Connection $c -UserId u_leak -TimeoutSec 1",
            ["Wait-LoomcycleAgent"] = "Wait-LoomcycleAgent -Connection $c -AgentId a_leak -TimeoutSec 1",
            ["Send-LoomcycleInput"] = "Send-LoomcycleInput -Connection $c -RunId r_leak -Text hi -Confirm:$false",
            ["Stop-LoomcycleTurn"] = "Stop-LoomcycleTurn -Connection $c -RunId r_leak -Confirm:$false",
            ["Compress-LoomcycleRun"] = "Compress-LoomcycleRun -Connection $c -RunId r_leak -Confirm:$false",
            ["Receive-LoomcycleRun"] = "Receive-LoomcycleRun -Connection $c -RunId r_leak -TimeoutSec 2",
            ["Enter-LoomcycleRun"] = "'exit' | Enter-LoomcycleRun -Connection $c -Agent echo -Prompt hi",
            ["Invoke-LoomcycleBatch"] = "Invoke-LoomcycleBatch -Connection $c -Agent echo -Prompt hi, there",
            ["Copy-LoomcycleSession"] = "Copy-LoomcycleSession -Connection $c -SessionId s_leak -Agent echo -Confirm:$false",
            ["Get-LoomcycleResidentAgent"] = "Get-LoomcycleResidentAgent -Connection $c",
            ["Stop-LoomcycleResidentAgent"] = "Stop-LoomcycleResidentAgent -Connection $c -RunId r_leak -Force",
        };
    }
}
