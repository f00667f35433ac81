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

    It 'completes subjects, tenants, token ids and operator token names from the server' {
        function Complete([string] $line) { (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText }
        Complete 'Get-LoomcycleUserToken -Subject u' | Should -Contain 'u1'
        Complete 'Get-LoomcycleUsage -Tenant d' | Should -Contain 'default'
        New-LoomcycleUser -Subject pester-complete | Out-Null
        $minted = New-LoomcycleUserToken -Subject pester-complete
        Complete 'Revoke-LoomcycleUserToken -Subject pester-complete -DefId def_' | Should -Contain $minted.DefId
        New-LoomcycleOperatorToken -Name pester-complete -TenantId acme | Out-Null
        Complete 'Update-LoomcycleOperatorToken -Name pester-c' | Should -Contain 'pester-complete'
    }
}

Describe 'Identity, discovery and health' {
    It 'reads identity, configuration, runnable agents and tenants' {
        (Get-LoomcycleIdentity).IsAdmin | Should -BeTrue
        (Get-LoomcycleServerConfiguration).Instance.Version | Should -Match '^v1\.'
        (Get-LoomcycleRunnableAgent).Name | Should -Contain 'echo'
        (Get-LoomcycleTenant).Tenant | Should -Contain 'default'
    }

    It 'reads resolver, routing, models, concurrency, metrics and retention' {
        (Get-LoomcycleResolver -Probe).Provider | Should -Contain 'anthropic'
        (Get-LoomcycleRouting -Plan pro)[0].Position | Should -Be 1
        (Get-LoomcycleModel).Alias | Should -Contain 'smart'
        (Get-LoomcycleModel -Provider anthropic).Model | Should -Contain 'claude-opus'
        (Get-LoomcycleConcurrency).Active | Should -BeGreaterOrEqual 0
        @(Get-LoomcycleMetric -Period 7d).Count | Should -Be 3
        @(Get-LoomcycleMetric -Since (Get-Date).AddMinutes(-1)).Count | Should -Be 5
        (Get-LoomcycleRetention).Enabled | Should -BeTrue
        ((Get-LoomcycleMetric -Period 1h | Format-Table | Out-String) -split "`n").Count | Should -BeGreaterThan 3
    }

    It 'pages the audit log with -First and -Skip' {
        $all = @(Get-LoomcycleAuditEvent)
        $all.Count | Should -BeGreaterOrEqual 3
        (Get-LoomcycleAuditEvent -First 1 -Skip 1).Seq | Should -Be $all[1].Seq
        (Get-LoomcycleAuditEvent -Type limit.set).PayloadObject.scope_id | Should -Be 'alice'
    }
}

Describe 'Operator tokens, budgets and erasure' {
    It 'creates, lists, rotates and revokes an operator token' {
        $created = New-LoomcycleOperatorToken -Name pester-ci -TenantId acme -Scope runs:read
        $created.Token | Should -BeOfType ([securestring])
        (Get-LoomcycleOperatorToken).Name | Should -Contain 'pester-ci'
        $rotated = Update-LoomcycleOperatorToken -Name pester-ci -GraceSec 0
        $rotated.RotatedFrom | Should -Be $created.DefId
        @(Get-LoomcycleOperatorToken -Name pester-ci).Count | Should -Be 2
        Revoke-LoomcycleOperatorToken -DefId $rotated.DefId -Force -PassThru | Select-Object -ExpandProperty DefId | Should -Be $rotated.DefId
    }

    It 'rotates only the current token when every token of a name is piped, and revives no retired one' {
        New-LoomcycleOperatorToken -Name pester-pipe -TenantId acme | Out-Null
        $first = (Update-LoomcycleOperatorToken -Name pester-pipe -GraceSec 0).RotatedFrom
        $rotated = Get-LoomcycleOperatorToken -Name pester-pipe | Update-LoomcycleOperatorToken -ErrorVariable refused -ErrorAction SilentlyContinue
        @($rotated).Count | Should -Be 1
        @($refused).Count | Should -Be 1
        $refused[0].TargetObject | Should -Be $first
        (Get-LoomcycleOperatorToken -DefId $first).RetiredAt | Should -BeLessThan (Get-Date)
    }

    It 'sets a hard limit without losing the soft one, then removes the budget' {
        Set-LoomcycleLimit -Scope user -ScopeId u1 -SoftLimit 100 -HardLimit 200
        Set-LoomcycleLimit -Scope user -ScopeId u1 -HardLimit 300
        $limit = Get-LoomcycleLimit -Scope user -ScopeId u1
        $limit.SoftLimit | Should -Be 100
        $limit.HardLimit | Should -Be 300
        Remove-LoomcycleLimit -Scope user -ScopeId u1 -Confirm:$false
        @(Get-LoomcycleLimit -Scope user -ScopeId u1).Count | Should -Be 0
    }

    It 'reports, dry-runs and erases a subject; revokes tokens; removes a user' {
        New-LoomcycleUser -Subject pester-gone | Out-Null
        $t = New-LoomcycleUserToken -Subject pester-gone
        Revoke-LoomcycleUserToken -Subject pester-gone -DefId $t.DefId
        @(Get-LoomcycleUserToken -Subject pester-gone -Active).Count | Should -Be 0
        (Get-LoomcycleErasureReport -Subject pester-gone -Tenant '').Covered.Counts['users'] | Should -Be 1
        (Invoke-LoomcycleErasure -Subject pester-gone -Tenant '' -DryRun).DryRun | Should -BeTrue
        Remove-LoomcycleUser -Subject pester-gone -Force
        { Remove-LoomcycleUser -Subject pester-gone -Force -ErrorAction Stop } | Should -Throw -ErrorId 'UserNotFound,Loomcycle.PowerShell.Commands.RemoveLoomcycleUserCommand'
        (Invoke-LoomcycleErasure -Subject pester-gone -Tenant '' -Force).DryRun | Should -BeFalse
    }
}
