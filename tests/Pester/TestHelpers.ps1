# Shared by every tests/Pester/*.Tests.ps1 (Pester 5): starts the fake loomcycle server on a free loopback
# port, waits for /healthz, imports the built module (out/Loomcycle), and stops the server afterwards.
#
#   BeforeAll { . $PSScriptRoot/TestHelpers.ps1; $script:server = Start-FakeServer -Demo; Connect-Loomcycle -BaseUrl $server.BaseUrl }
#   AfterAll  { Disconnect-Loomcycle; Stop-FakeServer $script:server }

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Get-FakeServerAssembly {
    $project = Join-Path $script:RepoRoot 'tests/Loomcycle.FakeServer'
    $built = Get-ChildItem -Path (Join-Path $project 'bin') -Recurse -Filter 'Loomcycle.FakeServer.dll' -ErrorAction SilentlyContinue |
        Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1
    if (-not $built) {
        & dotnet build $project | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "dotnet build $project failed" }
        $built = Get-ChildItem -Path (Join-Path $project 'bin') -Recurse -Filter 'Loomcycle.FakeServer.dll' |
            Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1
    }
    $built.FullName
}

function Import-ModuleUnderTest {
    $manifest = Join-Path $script:RepoRoot 'out/Loomcycle/Loomcycle.psd1'
    if (-not (Test-Path $manifest)) { throw "Build the module first (./build.ps1 -Task Build): $manifest is missing." }
    Import-Module $manifest -Force -ErrorAction Stop
}

function Start-FakeServer {
    param([switch] $Demo, [string] $Token, [int] $TimeoutSec = 60, [string[]] $Argument = @())

    $port = Get-FreePort
    $arguments = @((Get-FakeServerAssembly), '--port', $port, '--keepalive-ms', '500')
    if ($Demo) { $arguments += '--demo' }
    if ($Token) { $arguments += @('--token', $Token) }
    $arguments += $Argument
    $log = Join-Path ([System.IO.Path]::GetTempPath()) "loomcycle-fake-$port"
    $arguments += @('--record-requests', "$log.requests")
    $process = Start-Process -FilePath 'dotnet' -ArgumentList $arguments -PassThru -NoNewWindow `
        -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err"
    $baseUrl = "http://127.0.0.1:$port"
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ($true) {
        try {
            if ((Invoke-RestMethod -Uri "$baseUrl/healthz" -TimeoutSec 2).ok) { break }
        }
        catch {
            if ($process.HasExited) { throw "The fake server exited with code $($process.ExitCode): $(Get-Content "$log.err" -Raw)" }
            if ([DateTime]::UtcNow -gt $deadline) {
                Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
                throw "The fake server did not answer $baseUrl/healthz within $TimeoutSec s."
            }
            Start-Sleep -Milliseconds 200
        }
    }

    Import-ModuleUnderTest
    [pscustomobject]@{ Process = $process; BaseUrl = $baseUrl; Port = $port; Log = $log }
}

# The requests the fake server received (recorded on arrival, before it answered), oldest first: what went over the
# wire. Each has Method, Target (as sent, escaped, with the query), Path, Query and Body (the JSON body parsed, or $null).
#   Get-FakeServerRequest $server -Method POST -Path /v1/runs | Select-Object -Last 1
function Get-FakeServerRequest {
    param($Server, [string] $Method, [string] $Path)
    $file = "$($Server.Log).requests"
    if (-not (Test-Path $file)) { return }
    foreach ($line in [System.IO.File]::ReadAllLines($file)) {
        if (-not $line) { continue }
        $entry = $line | ConvertFrom-Json
        $target = [string]$entry.target
        $requestPath, $query = $target -split '\?', 2
        if ($Method -and $entry.method -ne $Method) { continue }
        if ($Path -and $requestPath -ne $Path) { continue }
        $body = $null
        if ($entry.body) { try { $body = $entry.body | ConvertFrom-Json -ErrorAction Stop } catch { $body = $null } }
        [pscustomobject]@{ Method = $entry.method; Target = $target; Path = $requestPath; Query = [string]$query; Body = $body; BodyText = $entry.body; Connection = [string]$entry.connection }
    }
}

function Stop-FakeServer {
    param($Server)
    if ($Server -and $Server.Process -and -not $Server.Process.HasExited) {
        Stop-Process -Id $Server.Process.Id -Force -ErrorAction SilentlyContinue
        $Server.Process.WaitForExit(10000) | Out-Null
    }
    if ($Server) { Remove-Item "$($Server.Log).out", "$($Server.Log).err", "$($Server.Log).requests" -ErrorAction SilentlyContinue }
}
