#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the Loomcycle module.
.DESCRIPTION
    Build    dotnet build: assembles the importable module in out/Loomcycle (bin/Core for PowerShell 7.4+,
             bin/Desktop for Windows PowerShell 5.1).
    Test     the xunit suites (engine, and cmdlets in a hosted PowerShell 7.6 runspace), then the Pester 5.7.1
             suites (tests/Pester) in a fresh pwsh; Pester comes from NuGet with the solution's restore.
    Pester   only the Pester suites (tools/Invoke-PesterSuite.ps1 runs one file or test).
    Package  copies out/Loomcycle to out/package/Loomcycle/<version>, ready for Publish-Module or a
             $env:PSModulePath folder.
    Help     regenerates en-US/Loomcycle.PowerShell.dll-Help.xml from the cmdlets' XML doc comments.
    Demo     builds, starts the fake loomcycle server on loopback, imports the module and streams an agent
             run, then stops the server.
    Bench    runs the BenchmarkDotNet suites in bench/ (long; see bench/README.md).
.EXAMPLE
    ./build.ps1 -Task Demo
.EXAMPLE
    ./build.ps1 -Task Build, Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pester', 'Package', 'Help', 'Demo', 'Bench')]
    [string[]] $Task = @('Build', 'Test'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$module = Join-Path $root 'out/Loomcycle'

function Invoke-Native {
    param([string] $File, [string[]] $Arguments)
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

# The Pester suites run in a fresh pwsh (the module is imported there, not into the build's session), the same
# pwsh that runs this script: the PowerShell tool of .config/dotnet-tools.json under `dotnet pwsh`, or the user's own.
function Invoke-PesterInChildProcess {
    $script = Join-Path $root 'tools/Invoke-PesterSuite.ps1'
    $host_ = [Environment]::ProcessPath
    if ([System.IO.Path]::GetFileNameWithoutExtension($host_) -eq 'pwsh') {
        & $host_ -NoProfile -NonInteractive -File $script
    }
    else {
        Push-Location $root
        try { & dotnet pwsh -NoProfile -NonInteractive -File $script } finally { Pop-Location }
    }
}

foreach ($step in $Task) {
    switch ($step) {
        'Build' {
            Invoke-Native dotnet @('build', (Join-Path $root 'src/Loomcycle.PowerShell'), '-c', $Configuration)
            Write-Host "Module ready: $module"
        }
        'Test' {
            # Both suites run even when the first fails, so one run shows every failure; then the task fails.
            & dotnet test (Join-Path $root 'Loomcycle.PowerShell.sln') -c $Configuration
            $xunitExit = $LASTEXITCODE
            Invoke-PesterInChildProcess
            $pesterExit = $LASTEXITCODE
            if ($xunitExit -ne 0 -or $pesterExit -ne 0) { throw "Tests failed (xunit exit $xunitExit, Pester exit $pesterExit)." }
        }
        'Pester' {
            Invoke-PesterInChildProcess
            if ($LASTEXITCODE -ne 0) { throw "Pester failed with exit code $LASTEXITCODE." }
        }
        'Package' {
            # Not Import-PowerShellDataFile: the manifest picks its root module with an if on $PSEdition.
            $version = (Test-ModuleManifest (Join-Path $module 'Loomcycle.psd1')).Version.ToString(3)
            $target = Join-Path $root "out/package/Loomcycle/$version"
            if (Test-Path $target) { Remove-Item $target -Recurse -Force }
            New-Item -ItemType Directory -Path $target -Force | Out-Null
            Copy-Item -Path (Join-Path $module '*') -Destination $target -Recurse
            Get-ChildItem $target -Recurse -Filter *.pdb | Remove-Item
            Test-ModuleManifest (Join-Path $target 'Loomcycle.psd1') | Out-Null
            Write-Host "Package ready: $target"
        }
        'Help' {
            Invoke-Native dotnet @('run', '--project', (Join-Path $root 'tools/HelpGen'), '--', $root)
        }
        'Demo' {
            & $PSCommandPath -Task Build -Configuration $Configuration
            & (Join-Path $root 'tools/demo.ps1')
        }
        'Bench' {
            Invoke-Native dotnet @('run', '-c', 'Release', '--project', (Join-Path $root 'bench/Loomcycle.Benchmarks'), '--', '--filter', '*')
        }
    }
}
