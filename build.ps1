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
    Package  builds Release, stages the module without debug symbols in out/package/Loomcycle (release notes from
             CHANGELOG.md), and publishes its .nupkg with Publish-PSResource to -Repository: by default a folder
             repository in out/package/repository; `-Repository PSGallery -ApiKey $key` publishes to the gallery.
    Help     regenerates en-US/Loomcycle.PowerShell.dll-Help.xml from the cmdlets' XML doc comments.
    Demo     builds, starts the fake loomcycle server on loopback, imports the module and streams an agent
             run, then stops the server.
    Bench    runs the BenchmarkDotNet suites in bench/ (long; see bench/README.md).
.EXAMPLE
    ./build.ps1 -Task Demo
.EXAMPLE
    ./build.ps1 -Task Build, Test
.EXAMPLE
    ./build.ps1 -Task Package
    Writes out/package/repository/Loomcycle.<version>.nupkg.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pester', 'Package', 'Help', 'Demo', 'Bench')]
    [string[]] $Task = @('Build', 'Test'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    # Package: the PSResourceGet repository to publish to. A name that is not registered is registered for the
    # task as a folder repository at -RepositoryPath; a registered one (PSGallery, your feed) is used as it is.
    [string] $Repository = 'LoomcycleLocal',

    # Package: the folder of the folder repository.
    [string] $RepositoryPath = (Join-Path $PSScriptRoot 'out/package/repository'),

    # Package: the API key of a real gallery (not needed for a folder repository).
    [string] $ApiKey,

    # Package: stage what out/Loomcycle holds instead of building Release first (the tests use this).
    [switch] $NoBuild
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

# The version, read as Directory.Build.props reads it (Import-PowerShellDataFile refuses the manifest's if on $PSEdition).
function Get-ModuleVersion([string] $ManifestPath) {
    [regex]::Match((Get-Content $ManifestPath -Raw), "ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value
}

# The module as it ships: out/Loomcycle without debug symbols, its manifest carrying the CHANGELOG section of its
# version as ReleaseNotes. Returns the staged folder (named Loomcycle, as Publish-PSResource wants).
function Save-StagedModule {
    $manifestPath = Join-Path $root 'Loomcycle.psd1'
    $version = Get-ModuleVersion $manifestPath
    $staged = Join-Path $root 'out/package/Loomcycle'
    if (Test-Path $staged) { Remove-Item $staged -Recurse -Force }
    New-Item -ItemType Directory -Path $staged -Force | Out-Null
    Copy-Item -Path (Join-Path $module '*') -Destination $staged -Recurse
    Get-ChildItem $staged -Recurse -Include *.pdb, *.xml -File |
        Where-Object { $_.Name -ne 'Loomcycle.PowerShell.dll-Help.xml' } | Remove-Item

    $changelog = Get-Content (Join-Path $root 'CHANGELOG.md') -Raw
    $section = [regex]::Match($changelog, "(?ms)^## \[$([regex]::Escape($version))\][^\n]*\n(.*?)(?=^## \[|\z)")
    if (-not $section.Success) { throw "CHANGELOG.md has no section '## [$version]' for the manifest's version." }
    $notes = $section.Groups[1].Value.Trim()
    # Only the copy's PSData.ReleaseNotes changes; the manifest in the repo keeps its layout.
    $stagedManifest = Join-Path $staged 'Loomcycle.psd1'
    $text = Get-Content $stagedManifest -Raw
    $quoted = "@'`n$notes`n'@"
    $text = [regex]::Replace($text, "ReleaseNotes\s*=\s*'[^']*'", { param($m) "ReleaseNotes = $quoted" })
    Set-Content -Path $stagedManifest -Value $text -Encoding utf8
    $tested = Test-ModuleManifest $stagedManifest -ErrorAction Stop
    if ($tested.ReleaseNotes -ne $notes) { throw 'The staged manifest did not take the release notes.' }
    $staged
}

function Publish-StagedModule {
    param([string] $Path, [string] $Repository, [string] $RepositoryPath, [string] $ApiKey)
    $registered = Get-PSResourceRepository -Name $Repository -ErrorAction SilentlyContinue
    if (-not $registered) {
        New-Item -ItemType Directory -Path $RepositoryPath -Force | Out-Null
        Register-PSResourceRepository -Name $Repository -Uri (Resolve-Path $RepositoryPath).Path -Trusted
    }
    try {
        $publish = @{ Path = $Path; Repository = $Repository }
        if ($ApiKey) { $publish.ApiKey = $ApiKey }
        Publish-PSResource @publish
        $version = Get-ModuleVersion (Join-Path $Path 'Loomcycle.psd1')
        Write-Host "Published Loomcycle $version to '$Repository'$(if (-not $registered) { " ($RepositoryPath)" })"
    }
    finally {
        if (-not $registered) { Unregister-PSResourceRepository -Name $Repository }
    }
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
            if (-not $NoBuild) { Invoke-Native dotnet @('build', (Join-Path $root 'src/Loomcycle.PowerShell'), '-c', 'Release') }
            $staged = Save-StagedModule
            Publish-StagedModule -Path $staged -Repository $Repository -RepositoryPath $RepositoryPath -ApiKey $ApiKey
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
