<#
.SYNOPSIS
    Monthly chargeback report: a month's token use and cost per user and model, written to CSV, with a
    total per currency.

.DESCRIPTION
    Written for a scheduled job that runs early each month. It reads GET /v1/_usage for one calendar month
    (UTC, default: the month before this one), writes every row to usage-<yyyy-MM>.csv, and a total per
    currency to usage-<yyyy-MM>-totals.csv. Costs are never added across currencies. Rows with unpriced
    calls have an incomplete cost: the script warns about them and counts them in the totals file.
    The bearer token comes from LOOMCYCLE_AUTH_TOKEN; it is never passed on the command line. An admin
    token reports every tenant (or the one given with -Tenant); a tenant token reports its own tenant.
    Every error stops the script with exit code 1.

.PARAMETER BaseUrl
    The server's address. Default: LOOMCYCLE_BASE_URL, then http://127.0.0.1:8787.

.PARAMETER OutputFolder
    Where the CSV files are written. Created when missing.

.PARAMETER Month
    The month to report, as yyyy-MM. Default: last month.

.PARAMETER GroupBy
    The columns to group by (tenant, user, provider, model, source). Default: tenant, user, model.

.PARAMETER Tenant
    One tenant only (admin token).

.EXAMPLE
    pwsh -NoProfile -NonInteractive -File ./monthly-usage-report.ps1 -OutputFolder /srv/reports/loomcycle

.EXAMPLE
    ./monthly-usage-report.ps1 -OutputFolder . -Month 2026-11 -GroupBy tenant, provider
#>
[CmdletBinding()]
param(
    [string] $BaseUrl = $env:LOOMCYCLE_BASE_URL,

    [Parameter(Mandatory = $true)]
    [string] $OutputFolder,

    [ValidatePattern('^\d{4}-\d{2}$')]
    [string] $Month,

    [ValidateSet('tenant', 'user', 'provider', 'model', 'source')]
    [string[]] $GroupBy = @('tenant', 'user', 'model'),

    [string] $Tenant
)

$ErrorActionPreference = 'Stop'
$connection = $null
try {
    $connect = @{ PassThru = $true; NoDefault = $true }
    if ($BaseUrl) { $connect.BaseUrl = $BaseUrl }
    $connection = Connect-Loomcycle @connect

    # The month as a UTC window: first moment to last moment, both inclusive.
    if ($Month) {
        $start = [DateTime]::ParseExact($Month + '-01', 'yyyy-MM-dd', [Globalization.CultureInfo]::InvariantCulture,
            [Globalization.DateTimeStyles]::AdjustToUniversal -bor [Globalization.DateTimeStyles]::AssumeUniversal)
    }
    else {
        $now = [DateTime]::UtcNow
        $start = [DateTime]::new($now.Year, $now.Month, 1, 0, 0, 0, [DateTimeKind]::Utc).AddMonths(-1)
    }
    $end = $start.AddMonths(1).AddTicks(-10)   # the server's times have microseconds at most
    $label = $start.ToString('yyyy-MM', [Globalization.CultureInfo]::InvariantCulture)

    $usage = @{ GroupBy = $GroupBy; From = $start; To = $end; Connection = $connection }
    if ($PSBoundParameters.ContainsKey('Tenant')) { $usage.Tenant = $Tenant }
    $rows = @(Get-LoomcycleUsage @usage)

    $folder = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputFolder)
    $null = [System.IO.Directory]::CreateDirectory($folder)
    $rowsFile = Join-Path $folder "usage-$label.csv"
    $totalsFile = Join-Path $folder "usage-$label-totals.csv"

    $rows | Select-Object TenantId, UserId, Provider, Model, CredentialSource, InputTokens, OutputTokens,
        CacheCreationTokens, CacheReadTokens, Cost, Currency, CallCount, UnpricedCalls |
        Export-Csv -Path $rowsFile -NoTypeInformation -Encoding utf8

    # Totals per currency: never one sum across currencies.
    $totals = @($rows | Group-Object Currency | Sort-Object Name | ForEach-Object {
        [pscustomobject]@{
            Month         = $label
            Currency      = if ($_.Name) { $_.Name } else { '(none)' }
            Cost          = [decimal](($_.Group | Measure-Object Cost -Sum).Sum)
            InputTokens   = [long](($_.Group | Measure-Object InputTokens -Sum).Sum)
            OutputTokens  = [long](($_.Group | Measure-Object OutputTokens -Sum).Sum)
            Calls         = [long](($_.Group | Measure-Object CallCount -Sum).Sum)
            UnpricedCalls = [long](($_.Group | Measure-Object UnpricedCalls -Sum).Sum)
        }
    })
    $totals | Export-Csv -Path $totalsFile -NoTypeInformation -Encoding utf8

    $unpriced = 0
    foreach ($total in $totals) { $unpriced += $total.UnpricedCalls }
    if ($unpriced -gt 0) {
        Write-Warning "$unpriced calls in $label have no price: their cost is missing from the totals."
    }

    [pscustomobject]@{
        Month      = $label
        From       = $start
        To         = $end
        Rows       = $rows.Count
        RowsFile   = $rowsFile
        TotalsFile = $totalsFile
        Totals     = $totals
    }
    exit 0
}
catch {
    [Console]::Error.WriteLine("monthly-usage-report failed: $($_.Exception.Message)")
    exit 1
}
finally {
    if ($null -ne $connection) { Disconnect-Loomcycle -Connection $connection }
}
