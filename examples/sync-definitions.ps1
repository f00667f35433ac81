<#
.SYNOPSIS
    Deploys a folder of loomcycle definitions from CI: creates and promotes a new version of each definition
    whose file changed, and (with -Prune) retires definitions deleted from the folder.

.DESCRIPTION
    Written for a CI job (GitHub Actions, GitLab CI, Azure Pipelines, Jenkins). The folder holds one file per
    definition, <Path>/<kind>/<name>.json, where <kind> is agent, skill, team, mcpserver, schedule, webhook,
    a2aagent, a2aservercard, memorybackend or documentsource. Sync-LoomcycleDefinition compares each file with
    the active version on the server by meaning, so a run where nothing changed sends no change, and running the
    job twice is harmless.

    It never prompts: -Prune retires with -Force. Every failure is reported, and the script ends with exit code 1
    when any definition failed, so the pipeline goes red. The bearer token comes from the LOOMCYCLE_AUTH_TOKEN
    environment variable (a CI secret); it is never passed on the command line.

    -WhatIf shows the plan (what would be created, updated or retired) and changes nothing: run it on pull
    requests, and run without it on the main branch.

.PARAMETER BaseUrl
    The server's address. Default: LOOMCYCLE_BASE_URL, then http://127.0.0.1:8787.

.PARAMETER Path
    The definitions folder. Default: the "definitions" folder beside this script.

.PARAMETER Prune
    Retires definitions of a synced kind that the folder no longer has.

.EXAMPLE
    pwsh -NoProfile -NonInteractive -File ./examples/sync-definitions.ps1 -BaseUrl https://loomcycle.internal:8787 -WhatIf

.EXAMPLE
    # GitHub Actions step on main:
    #   - run: pwsh -NoProfile -NonInteractive -File ./examples/sync-definitions.ps1 -Path ./definitions -Prune
    #     env:
    #       LOOMCYCLE_BASE_URL: ${{ vars.LOOMCYCLE_BASE_URL }}
    #       LOOMCYCLE_AUTH_TOKEN: ${{ secrets.LOOMCYCLE_AUTH_TOKEN }}
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string] $BaseUrl = $env:LOOMCYCLE_BASE_URL,

    [string] $Path = (Join-Path $PSScriptRoot 'definitions'),

    [switch] $Prune
)

$ErrorActionPreference = 'Stop'
$connection = $null
try {
    if (-not (Get-Command Sync-LoomcycleDefinition -ErrorAction SilentlyContinue)) {
        Import-Module Loomcycle -ErrorAction Stop
    }

    # Connect-Loomcycle reads the token from LOOMCYCLE_AUTH_TOKEN itself; -NoDefault keeps the connection to this script.
    $connect = @{ PassThru = $true; NoDefault = $true }
    if ($BaseUrl) { $connect.BaseUrl = $BaseUrl }
    $connection = Connect-Loomcycle @connect

    # Failures are reported per definition (Action Failed, Error) and collected, so one bad file does not hide the rest.
    $results = @(Sync-LoomcycleDefinition -Path $Path -Prune:$Prune -Force -Connection $connection -ErrorAction Continue -ErrorVariable syncErrors -WhatIf:$WhatIfPreference)

    $results | Sort-Object Kind, Name | Format-Table Action, Kind, Name, DefId -AutoSize | Out-String | Write-Host
    $counts = $results | Group-Object Action | ForEach-Object { '{0} {1}' -f $_.Count, $_.Name }
    Write-Host ('Definitions: {0}' -f ($(if ($counts) { $counts -join ', ' } else { 'none' })))

    $failed = @($results | Where-Object Action -eq 'Failed')
    foreach ($failure in $failed) {
        Write-Host ('FAILED {0} {1}: {2}' -f $failure.Kind, $failure.Name, $failure.Error.Exception.Message)
    }

    $results
    if ($failed.Count -gt 0 -or $syncErrors.Count -gt $failed.Count) {
        exit 1
    }

    exit 0
}
catch {
    Write-Host "Definition sync failed: $($_.Exception.Message)"
    exit 1
}
finally {
    if ($null -ne $connection) {
        Disconnect-Loomcycle -Connection $connection
    }
}
