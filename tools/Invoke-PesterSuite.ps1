#Requires -Version 7.2
<#
.SYNOPSIS
    Runs the Pester 5 suites in tests/Pester in this pwsh, with the Pester that NuGet restored.
.DESCRIPTION
    Pester comes from the NuGet package the solution restores (a PackageDownload in
    tests/Loomcycle.PowerShell.Tests), never from a gallery, so a fresh machine with only the .NET SDK can run
    the suites: `dotnet tool restore; dotnet pwsh -NoProfile -File tools/Invoke-PesterSuite.ps1`.
    The module must be built (out/Loomcycle); it is built here when it is missing.
    Prints Pester's own summary and one closing line "Pester: N passed, N failed, N skipped", writes NUnit
    results to out/TestResults/pester.xml, and exits with 1 when a test failed or none ran.
.PARAMETER Path
    Test files or folders to run; all of tests/Pester by default.
.PARAMETER FullName
    Run only the tests whose full name matches (wildcards), e.g. '*Select-Object -First*'.
.PARAMETER Output
    Pester's output verbosity: None, Normal, Detailed or Diagnostic.
.EXAMPLE
    dotnet pwsh -NoProfile -File tools/Invoke-PesterSuite.ps1 -Path tests/Pester/Runs.Tests.ps1
#>
[CmdletBinding()]
param(
    [string[]] $Path,
    [string[]] $FullName,
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string] $Output = 'Normal'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$pesterVersion = '5.7.1'

function Find-RestoredPester {
    $cache = $env:NUGET_PACKAGES
    if (-not $cache) {
        $line = & dotnet nuget locals global-packages --list 2>$null | Select-Object -First 1
        if ($line -match '^global-packages:\s*(.+)$') { $cache = $Matches[1].Trim() }
    }
    if (-not $cache) { $cache = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $candidate = Join-Path $cache "pester/$pesterVersion/tools/Pester.psd1"
    if (Test-Path $candidate) { $candidate } else { $null }
}

$pester = Find-RestoredPester
if (-not $pester) {
    & dotnet restore (Join-Path $root 'tests/Loomcycle.PowerShell.Tests') | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet restore failed; it restores Pester $pesterVersion from NuGet." }
    $pester = Find-RestoredPester
    if (-not $pester) { throw "Pester $pesterVersion is not in the NuGet cache after restore." }
}

if (-not (Test-Path (Join-Path $root 'out/Loomcycle/Loomcycle.psd1'))) {
    & dotnet build (Join-Path $root 'src/Loomcycle.PowerShell') | Out-Host
    if ($LASTEXITCODE -ne 0) { throw 'dotnet build of the module failed.' }
}

Import-Module $pester -Force
$config = New-PesterConfiguration
# `pwsh -File` passes "a,b" as one string: split it, so both call styles work.
$config.Run.Path = if ($Path) { @($Path -split ',' | Where-Object { $_ }) } else { Join-Path $root 'tests/Pester' }
$config.Run.PassThru = $true
$config.Output.Verbosity = $Output
# Plain text where the output is a log (CI), colours at a terminal.
if ([Console]::IsOutputRedirected -or $env:CI) { $config.Output.RenderMode = 'Plaintext' }
if ($FullName) { $config.Filter.FullName = @($FullName -split ',' | Where-Object { $_ }) }
$resultFolder = Join-Path $root 'out/TestResults'
New-Item -ItemType Directory -Path $resultFolder -Force | Out-Null
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $resultFolder 'pester.xml'

# This script is strict; the suites run as a user's session does (StrictMode.Tests.ps1 turns it on itself).
Set-StrictMode -Off
$result = Invoke-Pester -Configuration $config
if (-not $result) {
    Write-Host 'Pester: 0 passed, 1 failed, 0 skipped (Pester did not run)'
    exit 1
}
$skipped = $result.SkippedCount + $result.NotRunCount
Write-Host "Pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $skipped skipped"
if ($result.FailedCount -gt 0 -or $result.FailedBlocksCount -gt 0 -or $result.FailedContainersCount -gt 0 -or $result.PassedCount -eq 0) {
    exit 1
}
exit 0
