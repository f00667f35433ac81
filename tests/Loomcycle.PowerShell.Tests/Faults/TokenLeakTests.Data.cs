using System;
using System.Collections.Generic;

namespace Loomcycle.PowerShell.Tests.FaultTests
{
    public sealed partial class TokenLeakTests
    {
        /// <summary>The data cmdlets (issue 12): memory writes and search, change feeds, channels, chats.</summary>
        private static readonly Dictionary<string, string> DataCmdlets = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Set-LoomcycleMemory"] = "Set-LoomcycleMemory -Connection $c -Scope user -ScopeId u_leak -Key k/leak -Value @{ a = 1 } -Embed -PassThru",
            ["Remove-LoomcycleMemory"] = "Remove-LoomcycleMemory -Connection $c -Scope user -ScopeId u_leak -Key k/leak -Confirm:$false",
            ["Search-LoomcycleMemory"] = "Search-LoomcycleMemory -Connection $c -Query leak -Scope user -ScopeId u_leak",
            ["Get-LoomcycleMemoryEmbedding"] = "Get-LoomcycleMemoryEmbedding -Connection $c -Scope user",
            ["Update-LoomcycleMemoryEmbedding"] = "Update-LoomcycleMemoryEmbedding -Connection $c -Backfill -Scope user -ScopeId u_leak -Confirm:$false",
            ["Watch-LoomcycleMemory"] = "Watch-LoomcycleMemory -Connection $c -TimeoutSec 1",
            ["Watch-LoomcycleDocument"] = "Watch-LoomcycleDocument -Connection $c -TimeoutSec 1",
            ["Get-LoomcycleChannel"] = "Get-LoomcycleChannel -Connection $c",
            ["New-LoomcycleChannel"] = "New-LoomcycleChannel -Connection $c -Name leak -Scope tenant -Confirm:$false",
            ["Set-LoomcycleChannel"] = "Set-LoomcycleChannel -Connection $c -Name leak -MaxMessages 10 -PassThru -Confirm:$false",
            ["Remove-LoomcycleChannel"] = "Remove-LoomcycleChannel -Connection $c -Name leak -Confirm:$false",
            ["Clear-LoomcycleChannel"] = "Clear-LoomcycleChannel -Connection $c -Name leak -Confirm:$false",
            ["Send-LoomcycleChannelMessage"] = "Send-LoomcycleChannelMessage -Connection $c -Channel leak -Payload @{ a = 1 } -PassThru -Confirm:$false",
            ["Receive-LoomcycleChannelMessage"] = "Receive-LoomcycleChannelMessage -Connection $c -Channel leak -Peek",
            ["Confirm-LoomcycleChannelMessage"] = "Confirm-LoomcycleChannelMessage -Connection $c -Channel leak -Cursor cur_0 -Confirm:$false",
            ["Wait-LoomcycleChannel"] = "Wait-LoomcycleChannel -Connection $c -Channel leak -TimeoutSec 0",
            ["Get-LoomcycleChat"] = "Get-LoomcycleChat -Connection $c",
            ["Rename-LoomcycleChat"] = "Rename-LoomcycleChat -Connection $c -SessionId s_leak -Title leak -Confirm:$false",
            ["Set-LoomcycleChat"] = "Set-LoomcycleChat -Connection $c -SessionId s_leak -Pinned $true -Confirm:$false",
            ["Export-LoomcycleChat"] = "Export-LoomcycleChat -Connection $c -SessionId s_leak",
        };
    }
}
