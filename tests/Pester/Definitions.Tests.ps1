BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer
    $script:ciScript = Join-Path $script:RepoRoot 'examples/sync-definitions.ps1'
    $script:folder = Join-Path ([System.IO.Path]::GetTempPath()) ("loomcycle-pester-defs-" + [guid]::NewGuid())
    Copy-Item -Path (Join-Path $script:RepoRoot 'examples/definitions') -Destination $folder -Recurse
    $script:savedToken = $env:LOOMCYCLE_AUTH_TOKEN
    $env:LOOMCYCLE_AUTH_TOKEN = $null
    Connect-Loomcycle -BaseUrl $server.BaseUrl

    function Invoke-CiSync {
        param([switch] $Prune, [switch] $WhatIf)
        $results = & $script:ciScript -BaseUrl $script:server.BaseUrl -Path $script:folder -Prune:$Prune -WhatIf:$WhatIf 6>$null
        [pscustomobject]@{ Results = @($results); ExitCode = $LASTEXITCODE }
    }
}

AfterAll {
    $env:LOOMCYCLE_AUTH_TOKEN = $script:savedToken
    Remove-Item $script:folder -Recurse -Force -ErrorAction SilentlyContinue
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'examples/sync-definitions.ps1 (the CI script)' {
    It 'creates the twelve example definitions on an empty server' {
        $run = Invoke-CiSync
        $run.ExitCode | Should -Be 0
        $run.Results.Count | Should -Be 12
        $run.Results | ForEach-Object { $_.Action | Should -Be 'Created' }
        $run.Results[0] | Should -BeOfType ([Loomcycle.PowerShell.DefinitionSyncResult])
        (Get-LoomcycleDefinition -Kind Agent).Name | Should -Be @('researcher', 'triage')
    }

    It 'changes nothing when run again' {
        $run = Invoke-CiSync
        $run.ExitCode | Should -Be 0
        ($run.Results | Where-Object Action -ne 'Unchanged') | Should -BeNullOrEmpty
        $run.Results.Count | Should -Be 12
    }

    It 'plans an edit with -WhatIf and sends no change' {
        $file = Join-Path $folder 'agent/triage.json'
        (Get-Content $file -Raw).Replace('"max_iterations": 12', '"max_iterations": 16') | Set-Content $file
        $run = Invoke-CiSync -WhatIf
        $run.ExitCode | Should -Be 0
        $run.Results.Count | Should -Be 11
        @(Get-LoomcycleDefinition -Kind Agent -Name triage -AllVersions).Count | Should -Be 1
    }

    It 'updates the edited definition and promotes the new version' {
        $run = Invoke-CiSync
        $updated = @($run.Results | Where-Object Action -eq 'Updated')
        $updated.Count | Should -Be 1
        $updated[0].Name | Should -Be 'triage'
        $active = Get-LoomcycleDefinition -Kind Agent -Name triage
        $active.Version | Should -Be 2
        $active.DefId | Should -Be $updated[0].DefId
        $active.DefinitionObject.max_iterations | Should -Be 16
    }

    It 'retires a deleted definition with -Prune' {
        Remove-Item (Join-Path $folder 'webhook/github-push.json')
        $run = Invoke-CiSync -Prune
        $run.ExitCode | Should -Be 0
        $retired = @($run.Results | Where-Object Action -eq 'Retired')
        $retired.Count | Should -Be 1
        $retired[0].Kind | Should -Be 'Webhook'
        (Get-LoomcycleDefinition -Kind Webhook -Name github-push -AllVersions).Retired | Should -Be $true
    }

    It 'fails the job (exit code 1) when a file is broken, and still syncs the rest' {
        Set-Content -Path (Join-Path $folder 'skill/broken.json') -Value '{ "body": '
        $run = Invoke-CiSync
        $run.ExitCode | Should -Be 1
        $failed = @($run.Results | Where-Object Action -eq 'Failed')
        $failed.Count | Should -Be 1
        $failed[0].Name | Should -Be 'broken'
        $failed[0].Error.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        @($run.Results | Where-Object Action -eq 'Unchanged').Count | Should -Be 11
        Remove-Item (Join-Path $folder 'skill/broken.json')
    }
}

Describe 'Definition cmdlets in the real pwsh' {
    It 'creates, forks, promotes, verifies and retires a version' {
        $v1 = New-LoomcycleDefinition -Kind Skill -Name pester-skill -Definition @{ body = 'one'; tools = @('Read') }
        $v1.Version | Should -Be 1
        $v1.DefinitionObject.body | Should -Be 'one'
        $v2 = $v1 | Copy-LoomcycleDefinition -Definition '{"body":"two"}'
        $v2.ParentDefId | Should -Be $v1.DefId
        $v2.Promoted | Should -BeFalse
        (Get-LoomcycleDefinition -Kind Skill -Name pester-skill).DefId | Should -Be $v1.DefId
        $v2 | Publish-LoomcycleDefinition | Select-Object -ExpandProperty Promoted | Should -BeTrue
        $v2 | Test-LoomcycleDefinition -Quiet | Should -BeTrue
        $v1 | Test-LoomcycleDefinition -Quiet | Should -BeFalse
        $v1 | Remove-LoomcycleDefinition -Force
        (Get-LoomcycleDefinition -Kind Skill -DefId $v1.DefId).Retired | Should -BeTrue
    }

    It 'syncs a folder directly, with -WhatIf sending nothing' {
        $one = Join-Path ([System.IO.Path]::GetTempPath()) ('loomcycle-pester-one-' + [guid]::NewGuid())
        New-Item -ItemType Directory -Path (Join-Path $one 'webhook') | Out-Null
        Set-Content -Path (Join-Path $one 'webhook/pester-hook.json') -Value '{ "enabled": true, "channel": "pester" }'
        try {
            Sync-LoomcycleDefinition -Path $one -WhatIf | Should -BeNullOrEmpty
            (Sync-LoomcycleDefinition -Path $one).Action | Should -Be 'Created'
            (Sync-LoomcycleDefinition -Path $one).Action | Should -Be 'Unchanged'
            # The same definition as YAML means the same: still unchanged (YamlDotNet loads from the module's deps folder).
            Remove-Item (Join-Path $one 'webhook/pester-hook.json')
            Set-Content -Path (Join-Path $one 'webhook/pester-hook.yaml') -Value "channel: pester`nenabled: true`nrate_limit: {}"
            (Sync-LoomcycleDefinition -Path $one).Action | Should -Be 'Unchanged'
            ([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'YamlDotNet' }).Location | Should -BeLike '*deps*'
        }
        finally {
            Remove-Item $one -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'reads the active versions of a large folder several at once, on at most 6 connections, results in file order' {
        $many = Join-Path ([System.IO.Path]::GetTempPath()) ('loomcycle-pester-many-' + [guid]::NewGuid())
        New-Item -ItemType Directory -Path (Join-Path $many 'agent') | Out-Null
        $names = 0..19 | ForEach-Object { 'pester-many-{0:00}' -f $_ }
        foreach ($name in $names) { Set-Content -Path (Join-Path $many "agent/$name.json") -Value "{ ""model"": ""claude-sonnet-4-5"", ""system_prompt"": ""$name"" }" }
        # A connection of its own: a new pool, so every connection the reads use was opened for them.
        $own = Connect-Loomcycle -BaseUrl $server.BaseUrl -PassThru -NoDefault
        try {
            (Sync-LoomcycleDefinition -Path $many -Connection $own).Action | Should -Be (@('Created') * 20)
            $before = @(Get-FakeServerRequest $server -Method POST -Path /v1/_agentdef).Count
            $second = Sync-LoomcycleDefinition -Path $many -Connection $own
            $second.Name | Should -Be $names
            $second.Action | Should -Be (@('Unchanged') * 20)
            $gets = @(Get-FakeServerRequest $server -Method POST -Path /v1/_agentdef | Select-Object -Skip $before)
            $gets.Body.op | Should -Be (@('get') * 20)
            $connections = @($gets.Connection | Sort-Object -Unique).Count
            $connections | Should -BeGreaterThan 1    # one after the other, they would share one pooled connection
            $connections | Should -BeLessOrEqual 6
        }
        finally {
            Disconnect-Loomcycle -Connection $own
            Remove-Item $many -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'shows definitions as a table and refusals as typed errors' {
        (Get-LoomcycleDefinition -Kind Skill | Format-Table | Out-String) | Should -Match 'summarise'
        { Get-LoomcycleDefinition -Kind Skill -DefId def_missing -ErrorAction Stop } | Should -Throw -ErrorId 'ToolRefused,*'
        { Publish-LoomcycleDefinition -Kind Webhook -DefId def_x -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument,*'
    }

    It 'runs, pauses and resumes a schedule' {
        $schedule = Get-LoomcycleSchedule -Name nightly-digest
        $schedule.DefId | Should -Match '^def_'
        ($schedule | Start-LoomcycleSchedule -PassThru).Scheduled | Should -Be 'next-tick'
        $schedule | Suspend-LoomcycleSchedule
        ($schedule | Get-LoomcycleSchedule).IsPaused | Should -BeTrue
        $schedule | Resume-LoomcycleSchedule
        ($schedule | Get-LoomcycleSchedule).IsPaused | Should -BeFalse
    }

    It 'lists volumes and presets' {
        (Get-LoomcycleVolume).Name | Should -Contain 'workspace'
        (Get-LoomcyclePreset -Name coding-agent).Yaml | Should -Match 'coding-agent'
    }
}
