<#
.SYNOPSIS
    Denies WebFetch tool calls on a loomcycle server, except to hosts you allow. The hook is a PowerShell script
    block answered by this session; no web service to write or host.

.DESCRIPTION
    Registers a pre hook for the WebFetch tool with Register-LoomcycleHook -ScriptBlock. The module starts a hook
    listener on 127.0.0.1 (a random free port, an unguessable path per hook) and registers its URL; the server then
    asks it before every WebFetch. The script block lets a call through when the URL's host is in -AllowHost and
    denies it otherwise, with a reason the model sees. The hook fails closed: if the script block breaks or is too
    slow, the call is denied.

    By default the script keeps answering until it is stopped (Ctrl+C, Stop-Job, or -DurationSec) and then
    unregisters the hook. To keep it running in the background, start it as a job:

        Start-ThreadJob -FilePath ./deny-web-fetch.ps1 -ArgumentList 'http://127.0.0.1:8787'
        Start-Job { Import-Module Loomcycle; & /ops/deny-web-fetch.ps1 -AllowHost example.com }

    With -NoWait it registers the hook and returns it; the listener then lives in the calling session until
    Stop-LoomcycleHookListener or the end of the session, both of which unregister the hook.

    The bearer token comes from LOOMCYCLE_AUTH_TOKEN (never the command line). The server must be able to reach
    127.0.0.1 on this machine, so run this beside the server; see about_Loomcycle_Hooks for remote servers.

.PARAMETER BaseUrl
    The server's address. Default: LOOMCYCLE_BASE_URL, then http://127.0.0.1:8787.

.PARAMETER AllowHost
    Host names WebFetch may still reach (exact names; '.example.com' also allows every subdomain).

.PARAMETER Agent
    Agent name patterns the hook applies to ('research*'); all agents when omitted.

.PARAMETER Owner
    The hook's owner; owner and name identify the hook on the server.

.PARAMETER Name
    The hook's name.

.PARAMETER DurationSec
    Stop (and unregister) after this many seconds; 0 keeps answering until stopped.

.PARAMETER NoWait
    Register the hook, write it, and return; the listener stays in the calling session.

.EXAMPLE
    ./deny-web-fetch.ps1 -AllowHost docs.example.com, .wikipedia.org
    Answers until Ctrl+C, then unregisters the hook.

.EXAMPLE
    $job = Start-ThreadJob -FilePath ./deny-web-fetch.ps1 -ArgumentList $env:LOOMCYCLE_BASE_URL
    # ... later
    Stop-Job $job; Remove-Job $job
    Runs the receiver in the background of this session; stopping the job unregisters the hook.

.EXAMPLE
    . ./deny-web-fetch.ps1 -NoWait
    Get-LoomcycleHookListener
    Registers the hook and returns; the listener answers while this session lives.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [string] $BaseUrl = $env:LOOMCYCLE_BASE_URL,

    [string[]] $AllowHost = @(),

    [string[]] $Agent,

    [ValidatePattern('^[A-Za-z0-9_.-]+$')]
    [string] $Owner = 'ops',

    [ValidatePattern('^[A-Za-z0-9_.-]+$')]
    [string] $Name = 'deny-web-fetch',

    [ValidateRange(0, 31536000)]
    [int] $DurationSec = 0,

    [switch] $NoWait
)

$ErrorActionPreference = 'Stop'

# Connect-Loomcycle reads the token from LOOMCYCLE_AUTH_TOKEN itself.
$connect = @{ PassThru = $true; NoDefault = $true }
if ($BaseUrl) { $connect.BaseUrl = $BaseUrl }
$connection = Connect-Loomcycle @connect

# Runs in the listener's own runspaces: it sees only its arguments, not this script's variables.
$decide = {
    param($call, [string[]] $allowed)
    $url = [string] $call.ToolCall.Input.url
    $target = ''
    $parsed = $null
    if ([uri]::TryCreate($url, [UriKind]::Absolute, [ref] $parsed)) { $target = $parsed.Host.ToLowerInvariant() }
    foreach ($entry in $allowed) {
        $entry = $entry.ToLowerInvariant()
        if ($target -eq $entry.TrimStart('.') -or ($entry.StartsWith('.') -and $target.EndsWith($entry))) { return }
    }
    @{ Deny = "WebFetch of '$url' is not allowed here (hook $($call.Owner)/$($call.HookName)); answer without it." }
}

$register = @{
    Owner        = $Owner
    Name         = $Name
    Phase        = 'pre'
    Tool         = 'WebFetch'
    FailMode     = 'closed'
    TimeoutSec   = 5
    ScriptBlock  = $decide
    ArgumentList = @(, [string[]] $AllowHost)
    Connection   = $connection
    Confirm      = $false
}
if ($Agent) { $register.Agent = $Agent }
$hook = Register-LoomcycleHook @register

if ($NoWait) {
    $hook
    return
}

Write-Verbose "Hook $($hook.Id) ($Owner/$Name) answers WebFetch calls; stop with Ctrl+C or Stop-Job."
try {
    $deadline = if ($DurationSec -gt 0) { [DateTime]::UtcNow.AddSeconds($DurationSec) } else { [DateTime]::MaxValue }
    while ([DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Milliseconds 250
    }
}
finally {
    # Runs on Ctrl+C and Stop-Job too: unregister the hook, and stop the listener once it serves nothing.
    Unregister-LoomcycleHook -Id $hook.Id -Connection $connection -Confirm:$false -ErrorAction Continue
    Get-LoomcycleHookListener | Where-Object { $_.Hooks.Count -eq 0 } | Stop-LoomcycleHookListener -Confirm:$false
    Disconnect-Loomcycle -Connection $connection
}
