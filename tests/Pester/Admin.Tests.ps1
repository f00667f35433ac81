# Administration (issue 11) in the real pwsh: the two example scripts against the fake server (demo data),
# CSV export, the minted token as a SecureString, and completion of subjects.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer -Demo
    Connect-Loomcycle -BaseUrl $server.BaseUrl
    $script:folder = Join-Path ([System.IO.Path]::GetTempPath()) ("loomcycle-admin-" + [guid]::NewGuid())
    New-Item -ItemType Directory -Path $folder | Out-Null
    $script:examples = Join-Path $PSScriptRoot '../../examples'
}

AfterAll {
    Remove-Item $script:folder -Recurse -Force -ErrorAction SilentlyContinue
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'examples/monthly-usage-report.ps1' {
    It 'writes last month''s rows and a total per currency' {
        $out = Join-Path $folder 'report'
        $result = & (Join-Path $examples 'monthly-usage-report.ps1') -BaseUrl $server.BaseUrl -OutputFolder $out -WarningVariable warnings 3>$null
        $LASTEXITCODE | Should -Be 0
        $month = [DateTime]::UtcNow.AddMonths(-1).ToString('yyyy-MM')
        $result.Month | Should -Be $month
        $rows = @(Import-Csv (Join-Path $out "usage-$month.csv"))
        $rows.Count | Should -Be 4   # alice x2 models, bob, u1 — this month's call is outside the window
        ($rows | Where-Object { $_.UserId -eq 'alice' -and $_.Model -eq 'claude-sonnet' }).InputTokens | Should -Be 200000
        $totals = @(Import-Csv (Join-Path $out "usage-$month-totals.csv"))
        $totals.Currency | Should -Be @('EUR', 'USD')
        [decimal]($totals | Where-Object Currency -eq 'USD').Cost | Should -Be 1.66
        ($totals | Where-Object Currency -eq 'USD').UnpricedCalls | Should -Be 1
        $warnings | Should -Match 'no price'
    }

    It 'reports a chosen month and grouping' {
        $out = Join-Path $folder 'report2'
        $result = & (Join-Path $examples 'monthly-usage-report.ps1') -BaseUrl $server.BaseUrl -OutputFolder $out -Month '2020-01' -GroupBy provider 3>$null
        $LASTEXITCODE | Should -Be 0
        $result.Rows | Should -Be 0
        Test-Path (Join-Path $out 'usage-2020-01.csv') | Should -BeTrue
    }

    It 'fails with exit code 1 when the server is not there' {
        & (Join-Path $examples 'monthly-usage-report.ps1') -BaseUrl 'http://127.0.0.1:1' -OutputFolder $folder 2>$null 3>$null
        $LASTEXITCODE | Should -Be 1
    }
}

Describe 'examples/offboard-user.ps1' {
    It 'disables, revokes, erases and removes a user, and archives what the server reported' {
        @(Get-LoomcycleUserToken -Subject alice -Active).Count | Should -Be 1
        $archive = Join-Path $folder 'offboarding'
        $result = & (Join-Path $examples 'offboard-user.ps1') -BaseUrl $server.BaseUrl -Subject alice -ArchiveFolder $archive -Erase
        $LASTEXITCODE | Should -Be 0
        $result.Erased | Should -BeTrue
        $result.TokensRetired | Should -Be 1
        @(Get-LoomcycleUserToken -Subject alice -Active).Count | Should -Be 0
        @(Get-LoomcycleLimit -Scope user -ScopeId alice).Count | Should -Be 0
        $files = (Get-ChildItem $result.ArchiveFolder).Name
        $files | Should -Contain 'user.json'
        $files | Should -Contain 'erasure-report.json'
        $files | Should -Contain 'erasure-result.json'
        $erasure = Import-Clixml (Join-Path $result.ArchiveFolder 'erasure-result.clixml')
        $erasure.DryRun | Should -BeFalse
        $erasure.Subject | Should -Be 'alice'
        (Get-Content (Join-Path $result.ArchiveFolder 'erasure-result.json') -Raw | ConvertFrom-Json).dry_run | Should -BeFalse
    }

    It 'offboards without erasing: the registration goes, the data stays' {
        $archive = Join-Path $folder 'offboarding2'
        $result = & (Join-Path $examples 'offboard-user.ps1') -BaseUrl $server.BaseUrl -Subject bob -Tenant '' -ArchiveFolder $archive
        $LASTEXITCODE | Should -Be 0
        $result.Erased | Should -BeFalse
        { Set-LoomcycleUser -Subject bob -Status active -ErrorAction Stop } | Should -Throw -ErrorId 'UserNotFound,Loomcycle.PowerShell.Commands.SetLoomcycleUserCommand'
    }

    It 'fails with exit code 1 for an unknown user' {
        & (Join-Path $examples 'offboard-user.ps1') -BaseUrl $server.BaseUrl -Subject nobody -ArchiveFolder $folder 2>$null
        $LASTEXITCODE | Should -Be 1
    }
}

Describe 'Administration cmdlets in the real pwsh' {
    It 'exports usage rows to CSV with flat columns' {
        $file = Join-Path $folder 'usage.csv'
        Get-LoomcycleUsage -GroupBy user -From (Get-Date).AddMonths(-2) | Export-Csv $file -NoTypeInformation
        $header = (Get-Content $file -First 1)
        $header | Should -Not -Match 'AdditionalProperties'
        $header | Should -Match '"UserId"'
    }

    It 'returns a minted token as a SecureString and shows it nowhere else' {
        New-LoomcycleUser -Subject pester-user | Out-Null
        $minted = New-LoomcycleUserToken -Subject pester-user
        $minted.Token | Should -BeOfType ([securestring])
        $minted.PlainTextToken | Should -BeNullOrEmpty
        $plain = [System.Net.NetworkCredential]::new('', $minted.Token).Password
        $plain | Should -Match '^lct_'
        ($minted | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($plain))
        "$minted" | Should -Be $minted.DefId
        $as = Connect-Loomcycle -BaseUrl $server.BaseUrl -Token $minted.Token -PassThru -NoDefault
        (Get-LoomcycleIdentity -Connection $as).Subject | Should -Be 'pester-user'
    }

    It 'completes subjects from the server' {
        $completion = TabExpansion2 -inputScript 'Get-LoomcycleUserToken -Subject u' -cursorColumn 'Get-LoomcycleUserToken -Subject u'.Length
        $completion.CompletionMatches.CompletionText | Should -Contain 'u1'
    }
}
