#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the Loomcycle module.
.DESCRIPTION
    Build    dotnet build: assembles the importable module in out/Loomcycle (bin/Core for PowerShell 7.4+,
             bin/Desktop for Windows PowerShell 5.1).
    Test     the xunit suites (engine, and cmdlets in a hosted PowerShell 7.6 runspace), then Pester 5
             (tests/Pester) when Pester is installed.
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
    [ValidateSet('Build', 'Test', 'Package', 'Help', 'Demo', 'Bench')]
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

foreach ($step in $Task) {
    switch ($step) {
        'Build' {
            Invoke-Native dotnet @('build', (Join-Path $root 'src/Loomcycle.PowerShell'), '-c', $Configuration)
            Write-Host "Module ready: $module"
        }
        'Test' {
            Invoke-Native dotnet @('test', (Join-Path $root 'Loomcycle.PowerShell.sln'), '-c', $Configuration)
            $pester = Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0' | Select-Object -First 1
            if ($pester) {
                Import-Module $pester
                $config = New-PesterConfiguration
                $config.Run.Path = Join-Path $root 'tests/Pester'
                $config.Run.Exit = $true
                $config.Output.Verbosity = 'Detailed'
                Invoke-Pester -Configuration $config
            }
            else {
                Write-Warning 'Pester 5 is not installed (Install-Module Pester -MinimumVersion 5.0); skipped tests/Pester.'
            }
        }
        'Package' {
            $version = (Import-PowerShellDataFile (Join-Path $root 'Loomcycle.psd1')).ModuleVersion
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
