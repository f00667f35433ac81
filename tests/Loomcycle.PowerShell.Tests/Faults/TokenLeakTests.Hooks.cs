using System;
using System.Collections.Generic;

namespace Loomcycle.PowerShell.Tests.FaultTests
{
    public sealed partial class TokenLeakTests
    {
        /// <summary>Script-block hooks (issue 14): the listener objects, and the unregister calls made when a listener stops.</summary>
        private static readonly Dictionary<string, string> HookListenerCmdlets = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Get-LoomcycleHookListener"] = "$null = Register-LoomcycleHook -Connection $c -Owner leak -Name listen -Phase pre -ScriptBlock { param($call) } -Confirm:$false; Get-LoomcycleHookListener; Get-LoomcycleHookListener | ForEach-Object Hooks",
            ["Stop-LoomcycleHookListener"] = "$null = Register-LoomcycleHook -Connection $c -Owner leak -Name stop -Phase post -ScriptBlock { param($call) } -Confirm:$false; Stop-LoomcycleHookListener -Confirm:$false",
        };
    }
}
