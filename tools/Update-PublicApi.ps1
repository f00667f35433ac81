#Requires -Version 7.2
<#
.SYNOPSIS
    Declares the engine's new public API: appends what RS0016 reports to src/Loomcycle.Client/PublicAPI.Unshipped.txt.
.DESCRIPTION
    The engine (src/Loomcycle.Client) keeps a public-API baseline checked by Microsoft.CodeAnalysis.PublicApiAnalyzers:
    PublicAPI.Shipped.txt (released) and PublicAPI.Unshipped.txt (since the last release). A public type or member
    that is in neither is warning RS0016 ("not part of the declared public API"); one that is declared but gone is
    RS0017. This script builds the engine for each target framework with a SARIF error log, collects the exact API
    line of every RS0016 (the analyzer's APIName property: the line it expects in the file) and appends the lines
    that are new to PublicAPI.Unshipped.txt, sorted. Review the diff: it is the public change.
    RS0017 (removed or changed API) is listed, never fixed: delete those lines by hand after deciding the break is meant.
    At a release, move the Unshipped lines into PublicAPI.Shipped.txt.
.PARAMETER Configuration
    The build configuration (Debug by default).
.EXAMPLE
    dotnet pwsh -NoProfile -File tools/Update-PublicApi.ps1
#>
[CmdletBinding()]
param(
    [string] $Configuration = 'Debug'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = Split-Path -Parent $PSScriptRoot
$project = Join-Path $root 'src/Loomcycle.Client/Loomcycle.Client.csproj'
$unshipped = Join-Path $root 'src/Loomcycle.Client/PublicAPI.Unshipped.txt'
$shipped = Join-Path $root 'src/Loomcycle.Client/PublicAPI.Shipped.txt'
$frameworks = 'netstandard2.0', 'net8.0'

$declare = [System.Collections.Generic.SortedSet[string]]::new([StringComparer]::Ordinal)
$removed = [System.Collections.Generic.SortedSet[string]]::new([StringComparer]::Ordinal)
foreach ($framework in $frameworks) {
    $log = Join-Path ([System.IO.Path]::GetTempPath()) "loomcycle-publicapi-$framework-$PID.sarif"
    try {
        # --no-incremental: analyzers only report on compiled code, so every file must be compiled.
        $output = & dotnet build $project -f $framework -c $Configuration --no-incremental -nologo "-p:ErrorLog=$log" 2>&1
        if ($LASTEXITCODE -ne 0) {
            $output | Select-Object -Last 30 | Write-Host
            throw "The engine did not build for $framework; fix the build first."
        }

        $sarif = Get-Content -LiteralPath $log -Raw | ConvertFrom-Json -Depth 64
        foreach ($run in $sarif.runs) {
            foreach ($result in @($run.results)) {
                if ($null -eq $result -or $result.ruleId -notin 'RS0016', 'RS0017') { continue }
                $properties = $result.properties
                $custom = if ($properties.PSObject.Properties['customProperties']) { $properties.customProperties } else { $properties }
                $name = if ($custom -and $custom.PSObject.Properties['APIName']) { $custom.APIName } else { $null }
                if ([string]::IsNullOrEmpty($name)) {
                    Write-Warning "$($result.ruleId) without an API name: $($result.message)"
                    continue
                }

                if ($result.ruleId -eq 'RS0016') { [void]$declare.Add($name) } else { [void]$removed.Add($name) }
            }
        }
    }
    finally {
        Remove-Item -LiteralPath $log -ErrorAction SilentlyContinue
    }
}

$existing = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::Ordinal)
foreach ($file in $shipped, $unshipped) {
    foreach ($line in [System.IO.File]::ReadAllLines($file)) { [void]$existing.Add($line) }
}

$new = @($declare | Where-Object { -not $existing.Contains($_) })
if ($new.Count -gt 0) {
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.AddRange([string[]][System.IO.File]::ReadAllLines($unshipped))
    if ($lines.Count -eq 0) { $lines.Add('#nullable enable') }
    $header = @($lines | Where-Object { $_.StartsWith('#') })
    $body = [System.Collections.Generic.SortedSet[string]]::new([StringComparer]::Ordinal)
    foreach ($line in $lines) { if ($line -and -not $line.StartsWith('#')) { [void]$body.Add($line) } }
    foreach ($line in $new) { [void]$body.Add($line) }
    [System.IO.File]::WriteAllText($unshipped, ((@($header) + @($body)) -join "`n") + "`n", [System.Text.UTF8Encoding]::new($false))
}

Write-Host "Public API: $($new.Count) line(s) declared in $([System.IO.Path]::GetRelativePath($root, $unshipped))."
foreach ($name in $removed) {
    Write-Warning "RS0017 (declared but no longer public; remove the line by hand if the break is meant): $name"
}
