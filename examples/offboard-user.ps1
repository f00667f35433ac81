<#
.SYNOPSIS
    Offboards a user: disables it (which retires its tokens), removes its budget and registration, and
    optionally erases its data, keeping an archive of everything the server reported.

.DESCRIPTION
    The steps, in order, each stopping the script on failure (exit code 1):
      1. Archive the directory view of the user and its tokens (never their secrets).
      2. Disable the user: the server retires every delegated token of the user at once.
      3. Revoke any token still active (a belt-and-braces check) and remove the user's token budget.
      4. Archive the erasure report: what the server holds about the subject.
      5. With -Erase: erase the subject's data (a live run; the server needs an audit log for it) and
         archive the result, which is the only record of the residue once the data is gone.
      6. Delete the user's registration.
    The archive is written to <ArchiveFolder>/<subject>-<yyyyMMddTHHmmssZ>/ as JSON (and the erasure result
    also as CLIXML). The bearer token comes from LOOMCYCLE_AUTH_TOKEN and needs the substrate:tenant or
    admin scope. An admin token works on the tenant given with -Tenant (default: its own).

.PARAMETER BaseUrl
    The server's address. Default: LOOMCYCLE_BASE_URL, then http://127.0.0.1:8787.

.PARAMETER Subject
    The user to offboard.

.PARAMETER Tenant
    The tenant, for an admin token ('' = the default tenant).

.PARAMETER ArchiveFolder
    Where the archive folder is created.

.PARAMETER Erase
    Also erases the subject's data. Cannot be undone.

.EXAMPLE
    ./offboard-user.ps1 -Subject alice -ArchiveFolder /srv/offboarding
    Disables and removes 'alice', keeping her data.

.EXAMPLE
    ./offboard-user.ps1 -Subject alice -Tenant acme -ArchiveFolder /srv/offboarding -Erase
    Also erases everything tenant 'acme' holds about 'alice' (a data-subject erasure request).
#>
[CmdletBinding()]
param(
    [string] $BaseUrl = $env:LOOMCYCLE_BASE_URL,

    [Parameter(Mandatory = $true)]
    [ValidateNotNullOrEmpty()]
    [string] $Subject,

    [AllowEmptyString()]
    [string] $Tenant,

    [Parameter(Mandatory = $true)]
    [string] $ArchiveFolder,

    [switch] $Erase
)

$ErrorActionPreference = 'Stop'
$connection = $null
try {
    $connect = @{ PassThru = $true; NoDefault = $true }
    if ($BaseUrl) { $connect.BaseUrl = $BaseUrl }
    $connection = Connect-Loomcycle @connect
    $common = @{ Connection = $connection }

    # Directory and erasure routes need the tenant named when the token is an admin token.
    $me = Get-LoomcycleIdentity @common
    $scoped = @{}
    if ($PSBoundParameters.ContainsKey('Tenant')) { $scoped.Tenant = $Tenant }
    elseif ($me.IsAdmin) { $scoped.Tenant = $me.TenantId }

    $stamp = [DateTime]::UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", [Globalization.CultureInfo]::InvariantCulture)
    $safe = $Subject -replace '[^A-Za-z0-9_.-]', '_'
    $root = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($ArchiveFolder)
    $folder = Join-Path $root "$safe-$stamp"
    $null = [System.IO.Directory]::CreateDirectory($folder)
    function Save([string] $name, $value) {
        $value | ConvertTo-Json -Depth 8 | Set-Content -Path (Join-Path $folder $name) -Encoding utf8
    }

    # 1. What the user was.
    Save 'user.json' (Get-LoomcycleUser -Subject $Subject @scoped @common)
    $tokens = @(Get-LoomcycleUserToken -Subject $Subject @common)
    Save 'tokens.json' ($tokens | Select-Object DefId, Name, Scopes, CreatedAt, RetiredAt, Active)

    # 2. Disable: the server retires the user's delegated tokens.
    Set-LoomcycleUser -Subject $Subject -Status disabled -Confirm:$false @common

    # 3. Nothing may still work; the budget goes too.
    $stillActive = @(Get-LoomcycleUserToken -Subject $Subject -Active @common)
    $stillActive | Revoke-LoomcycleUserToken -Confirm:$false @common
    Remove-LoomcycleLimit -Scope user -ScopeId $Subject -Confirm:$false @common

    # 4. What the server holds about the subject.
    $report = Get-LoomcycleErasureReport -Subject $Subject @scoped @common
    Save 'erasure-report.json' $report

    # 5. Erase, and keep the result: afterwards the server cannot trace the residue any more.
    $erasure = $null
    if ($Erase) {
        $erasure = Invoke-LoomcycleErasure -Subject $Subject -Force @scoped @common
        $erasure | Export-Clixml -Path (Join-Path $folder 'erasure-result.clixml')
        Set-Content -Path (Join-Path $folder 'erasure-result.json') -Value $erasure.Json -Encoding utf8
    }

    # 6. The registration itself (an erasure may already have removed it: that is not a failure).
    Remove-LoomcycleUser -Subject $Subject -Force -ErrorAction SilentlyContinue -ErrorVariable removeErrors @common
    $failed = @($removeErrors | Where-Object { -not ($Erase -and $_.FullyQualifiedErrorId -like 'UserNotFound,*') })
    if ($failed.Count -gt 0) { throw $failed[0] }

    [pscustomobject]@{
        Subject        = $Subject
        Tenant         = $report.Tenant
        TokensRetired  = $tokens.Count
        Erased         = [bool] $Erase
        DeletedRows    = if ($erasure) { [long]($erasure.Deleted.Values | Measure-Object -Sum).Sum } else { 0 }
        ResidueRows    = if ($erasure) { $erasure.Residue.Rows } else { $report.Residue.Rows }
        ArchiveFolder  = $folder
    }
    exit 0
}
catch {
    [Console]::Error.WriteLine("offboard-user failed: $($_.Exception.Message)")
    exit 1
}
finally {
    if ($null -ne $connection) { Disconnect-Loomcycle -Connection $connection }
}
