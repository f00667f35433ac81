using System;
using System.Collections.Generic;

namespace Loomcycle.PowerShell.Tests.FaultTests
{
    public sealed partial class TokenLeakTests
    {
        private static readonly Dictionary<string, string> DefinitionCmdlets = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Get-LoomcycleDefinition"] = "Get-LoomcycleDefinition -Kind Agent -Name triage -Connection $c",
            ["New-LoomcycleDefinition"] = "New-LoomcycleDefinition -Kind Agent -Name triage -Definition @{ model = 'm' } -Connection $c",
            ["Copy-LoomcycleDefinition"] = "Copy-LoomcycleDefinition -Kind Agent -Name triage -DefId def_0011223344556677 -Definition '{\"model\":\"m\"}' -Connection $c",
            ["Publish-LoomcycleDefinition"] = "Publish-LoomcycleDefinition -Kind Agent -DefId def_0011223344556677 -Connection $c",
            ["Remove-LoomcycleDefinition"] = "Remove-LoomcycleDefinition -Kind Agent -DefId def_0011223344556677 -Force -Connection $c",
            ["Test-LoomcycleDefinition"] = "Test-LoomcycleDefinition -Kind Agent -Name triage -ContentSha256 sha256:00 -Connection $c",
            ["Sync-LoomcycleDefinition"] = "$d = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'lc-leak-definitions'); $null = [IO.Directory]::CreateDirectory([IO.Path]::Combine($d, 'agent')); [IO.File]::WriteAllText([IO.Path]::Combine($d, 'agent', 'triage.json'), '{\"model\":\"m\"}'); Sync-LoomcycleDefinition -Path $d -Prune -Force -Connection $c",
            ["Get-LoomcycleSchedule"] = "Get-LoomcycleSchedule -Connection $c; Get-LoomcycleSchedule -DefId def_0011223344556677 -Connection $c",
            ["Start-LoomcycleSchedule"] = "Start-LoomcycleSchedule -DefId def_0011223344556677 -PassThru -Connection $c",
            ["Suspend-LoomcycleSchedule"] = "Suspend-LoomcycleSchedule -DefId def_0011223344556677 -PassThru -Connection $c",
            ["Resume-LoomcycleSchedule"] = "Resume-LoomcycleSchedule -DefId def_0011223344556677 -PassThru -Connection $c",
            ["Get-LoomcycleVolume"] = "Get-LoomcycleVolume -Connection $c",
            ["Get-LoomcyclePreset"] = "Get-LoomcyclePreset -Name coding-agent -Connection $c",
        };
    }
}
