#Requires -Version 7.2
<#
.SYNOPSIS
    Shows the module working end to end with no loomcycle server at hand: starts the project's fake
    server on loopback, imports the built module, streams an agent run, then stops the server.
.EXAMPLE
    ./build.ps1 -Task Demo        # builds first, then runs this script
#>
[CmdletBinding()]
param(
    [int] $Port = 8787,
    [string] $Prompt = 'Hello from pwsh! Show me the events.'
)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$project = Join-Path $root 'tests/Loomcycle.FakeServer'
dotnet build $project -c Debug -v quiet -nologo | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'Building the fake server failed.' }
# Start the built server itself (not `dotnet run`), so stopping this process stops the server.
$server = Start-Process -FilePath dotnet -PassThru -NoNewWindow `
    -ArgumentList @((Join-Path $project 'bin/Debug/net10.0/Loomcycle.FakeServer.dll'), '--port', $Port, '--demo', '--delta-delay-ms', '60')
try {
    Import-Module (Join-Path $root 'out/Loomcycle/Loomcycle.psd1') -Force
    Connect-Loomcycle -BaseUrl "http://127.0.0.1:$Port"

    $deadline = [DateTime]::UtcNow.AddSeconds(90)
    while (-not (Test-LoomcycleConnection)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "The fake server did not start on port $Port." }
        Start-Sleep -Milliseconds 500
    }

    Write-Host "`n== Get-LoomcycleHealth" -ForegroundColor Cyan
    Get-LoomcycleHealth | Out-Host

    Write-Host "== Invoke-LoomcycleRun -Agent tools -Prose   (the reply streams as it is written)" -ForegroundColor Cyan
    $result = Invoke-LoomcycleRun -Agent tools -Prompt $Prompt -Prose
    $result | Out-Host

    Write-Host "== Invoke-LoomcycleRun -Agent echo   (every event is an object in the pipeline)" -ForegroundColor Cyan
    Invoke-LoomcycleRun -Agent echo -Prompt 'events as objects' | Out-Host

    Write-Host "== Send-LoomcycleMessage continues the session" -ForegroundColor Cyan
    $result | Send-LoomcycleMessage -Prompt 'And once more, briefly.' -AsResult | Out-Host

    if (Get-Command Get-LoomcycleSnapshot -ErrorAction SilentlyContinue) {
        Write-Host "== Get-LoomcycleSnapshot" -ForegroundColor Cyan
        Get-LoomcycleSnapshot | Out-Host
    }
}
finally {
    Stop-Process -Id $server.Id -ErrorAction SilentlyContinue
}
