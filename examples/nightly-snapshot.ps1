<#
.SYNOPSIS
    Nightly loomcycle backup: take a snapshot labelled with the date, export it to a folder, and delete
    nightly snapshots older than a number of days from the server.

.DESCRIPTION
    Written for a scheduled job (Task Scheduler, cron, a systemd timer). It never prompts: state-changing
    cmdlets run with -Force or -Confirm:$false, every error stops the script, and a failure ends it with
    exit code 1 so the scheduler reports it. The bearer token comes from the LOOMCYCLE_AUTH_TOKEN
    environment variable; it is never passed on the command line, where other users could see it.

    Only snapshots whose label starts with "<Label>-" are pruned, so snapshots taken by hand survive.
    Exported files are not pruned; rotate the folder with the tools you already use for backups.

.PARAMETER BaseUrl
    The server's address. Default: LOOMCYCLE_BASE_URL, then http://127.0.0.1:8787.

.PARAMETER ExportFolder
    The folder the envelope is written to, as <snapshot id>.json. Created when missing.

.PARAMETER RetentionDays
    Nightly snapshots older than this are deleted from the server.

.PARAMETER Label
    The label prefix; the snapshot is labelled "<Label>-yyyy-MM-dd" (UTC).

.EXAMPLE
    $env:LOOMCYCLE_AUTH_TOKEN = '...'   # set in the job's environment, not in the script
    pwsh -NoProfile -NonInteractive -File ./nightly-snapshot.ps1 -BaseUrl https://loomcycle.internal:8787 -ExportFolder /var/backups/loomcycle -RetentionDays 14

.EXAMPLE
    schtasks /Create /TN "loomcycle nightly snapshot" /SC DAILY /ST 02:30 /TR "pwsh -NoProfile -NonInteractive -File C:\ops\nightly-snapshot.ps1 -ExportFolder D:\backups\loomcycle"
#>
[CmdletBinding()]
param(
    [string] $BaseUrl = $env:LOOMCYCLE_BASE_URL,

    [Parameter(Mandatory = $true)]
    [string] $ExportFolder,

    [ValidateRange(1, 3650)]
    [int] $RetentionDays = 14,

    [ValidatePattern('^[A-Za-z0-9_.-]+$')]
    [string] $Label = 'nightly'
)

$ErrorActionPreference = 'Stop'
$connection = $null
try {
    if ([string]::IsNullOrEmpty($env:LOOMCYCLE_AUTH_TOKEN)) {
        throw 'LOOMCYCLE_AUTH_TOKEN is not set; the job needs a token with snapshot scope.'
    }

    # Connect-Loomcycle reads the token from LOOMCYCLE_AUTH_TOKEN itself. -NoDefault keeps this job's
    # connection to itself; it is passed explicitly below.
    $connect = @{ PassThru = $true; NoDefault = $true }
    if ($BaseUrl) { $connect.BaseUrl = $BaseUrl }
    $connection = Connect-Loomcycle @connect

    $now = [DateTimeOffset]::UtcNow
    $folder = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($ExportFolder)
    $null = [System.IO.Directory]::CreateDirectory($folder)

    # 1. Capture.
    $snapshot = New-LoomcycleSnapshot -Label ('{0}-{1:yyyy-MM-dd}' -f $Label, $now.UtcDateTime) -Connection $connection -Confirm:$false

    # 2. Export: streamed to a temporary file and moved into place only when complete.
    $file = $snapshot | Export-LoomcycleSnapshot -Path $folder -Connection $connection -Confirm:$false

    # 3. Prune: -Label matches labels containing the text, so check the prefix exactly before deleting.
    $cutoff = $now.AddDays(-$RetentionDays)
    $expired = @(Get-LoomcycleSnapshot -Label $Label -Connection $connection |
        Where-Object { $_.Label -like "$Label-*" -and $null -ne $_.CreatedAt -and $_.CreatedAt -lt $cutoff -and $_.Id -ne $snapshot.Id })
    $expired | Remove-LoomcycleSnapshot -Connection $connection -Force

    [pscustomobject]@{
        SnapshotId = $snapshot.Id
        Label      = $snapshot.Label
        File       = $file.FullName
        Bytes      = $file.Length
        Removed    = @($expired | ForEach-Object Id)
    }
    exit 0
}
catch {
    [Console]::Error.WriteLine("nightly-snapshot failed: $($_.Exception.Message)")
    exit 1
}
finally {
    if ($null -ne $connection) { Disconnect-Loomcycle -Connection $connection }
}
