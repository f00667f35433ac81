# What a user sees at a real prompt: every output type rendered by its view, serialized by ConvertTo-Json and
# Export-Csv, complete help for every cmdlet, tab completion through TabExpansion2, and the example scripts.

BeforeDiscovery {
    $manifest = Join-Path $PSScriptRoot '../../out/Loomcycle/Loomcycle.psd1'
    Import-Module $manifest -Force
    $cmdlets = Get-Command -Module Loomcycle -CommandType Cmdlet
    $script:cmdletNames = @($cmdlets | ForEach-Object { @{ Name = $_.Name } })
    # Every type a cmdlet declares, except what PowerShell already shows (bool, FileInfo, void).
    $script:outputTypes = @($cmdlets | ForEach-Object OutputType | ForEach-Object Name | Sort-Object -Unique |
            Where-Object { $_ -like 'Loomcycle.*' } | ForEach-Object { @{ TypeName = $_ } })
    $script:examples = @(Get-ChildItem (Join-Path $PSScriptRoot '../../examples') -Filter *.ps1 | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer -Demo
    Connect-Loomcycle -BaseUrl $server.BaseUrl

    # One real object of every output type, made by the cmdlet that writes it, against the fake server.
    # A new output type must get a sample here (the test below names any that has none).
    $run = Invoke-LoomcycleRun -Agent tools -Prompt fetch -UserId u-present -AsResult
    # The demo has no schedule: one for the schedule samples.
    New-LoomcycleDefinition -Kind Schedule -Name present-digest -Definition @{
        agent = 'echo'; prompt = 'digest'; schedule = '0 2 * * *'; timezone = 'UTC'; enabled = $true
    } | Out-Null
    $script:samples = @{
        'Loomcycle.LoomcycleConnection'   = { Get-LoomcycleConnection }
        'Loomcycle.Health'                = { Get-LoomcycleHealth }
        'Loomcycle.RunEvent'              = { Invoke-LoomcycleRun -Agent tools -Prompt fetch }
        'Loomcycle.RunResult'             = { $run }
        'Loomcycle.Agent'                 = { Get-LoomcycleAgent -AgentId $run.AgentId }
        'Loomcycle.CancelAgentResult'     = { Stop-LoomcycleAgent -AgentId $run.AgentId -Force }
        'Loomcycle.Transcript'            = { Get-LoomcycleTranscript -SessionId $run.SessionId }
        'Loomcycle.User'                  = { Get-LoomcycleUser }
        'Loomcycle.PauseResult'           = { Suspend-LoomcycleRuntime -Force }
        'Loomcycle.RuntimeState'          = { Get-LoomcycleRuntimeState }
        'Loomcycle.ResumeResult'          = { Resume-LoomcycleRuntime }
        'Loomcycle.Snapshot'              = { Get-LoomcycleSnapshot }
        'Loomcycle.SnapshotRestoreResult' = { Restore-LoomcycleSnapshot -Id snap_1767225600000_0a1b2c3d -Force }
        'Loomcycle.MemoryScope'           = { Get-LoomcycleMemoryScope }
        'Loomcycle.MemoryScopeId'         = { Get-LoomcycleMemoryScopeId -Scope agent }
        'Loomcycle.MemoryEntry'           = { Get-LoomcycleMemory -Scope agent -ScopeId researcher }
        'Loomcycle.Interrupt'             = { Get-LoomcycleInterrupt -UserId u1 -Status all }
        'Loomcycle.InterruptResolution'   = {
            $pending = Get-LoomcycleInterrupt -UserId u1 -Status pending | Select-Object -First 1
            Resolve-LoomcycleInterrupt -RunId $pending.RunId -InterruptId $pending.InterruptId -Answer yes
        }
        'Loomcycle.Hook'                  = { Register-LoomcycleHook -Owner present -Name audit -Phase post -CallbackUrl https://audit.example/hook }

        # Live runs
        'Loomcycle.RunState'              = { Watch-LoomcycleAgent -UserId u-present -IncludeExisting -TimeoutSec 10 | Select-Object -First 1 }
        'Loomcycle.BatchResult'           = { Invoke-LoomcycleBatch -Agent echo -Prompt 'one', 'two' }
        'Loomcycle.SessionReplayResult'   = { Copy-LoomcycleSession -SessionId $run.SessionId -Agent chatty -Confirm:$false }
        'Loomcycle.RunInputResult'        = {
            $parked = Invoke-LoomcycleRun -Agent echo -Prompt 'first' -UserId u-present -Interactive -AsResult
            Send-LoomcycleInput -RunId $parked.RunId -Text 'second' -PassThru
            Stop-LoomcycleAgent -AgentId $parked.AgentId -Force | Out-Null
        }
        'Loomcycle.CompactResult'         = {
            $parked = Invoke-LoomcycleRun -Agent echo -Prompt 'first' -UserId u-present -Interactive -AsResult
            Compress-LoomcycleRun -RunId $parked.RunId -Confirm:$false
            Stop-LoomcycleAgent -AgentId $parked.AgentId -Force | Out-Null
        }
        'Loomcycle.TurnCancelResult'      = {
            # The input "hold" keeps the fake server's interactive turn open until it is cancelled.
            $parked = Invoke-LoomcycleRun -Agent echo -Prompt 'first' -UserId u-present -Interactive -AsResult
            Send-LoomcycleInput -RunId $parked.RunId -Text 'hold'
            Start-Sleep -Milliseconds 300
            Stop-LoomcycleTurn -RunId $parked.RunId -Confirm:$false
            Stop-LoomcycleAgent -AgentId $parked.AgentId -Force | Out-Null
        }
        'Loomcycle.ResidentAgent'         = { Get-LoomcycleResidentAgent }
        'Loomcycle.ResidentStopResult'    = { Get-LoomcycleResidentAgent | Where-Object State -eq running | Select-Object -First 1 | Stop-LoomcycleResidentAgent -TurnOnly -Confirm:$false }

        # Administration
        'Loomcycle.Identity'              = { Get-LoomcycleIdentity }
        'Loomcycle.ServerConfiguration'   = { Get-LoomcycleServerConfiguration }
        'Loomcycle.RunnableAgent'         = { Get-LoomcycleRunnableAgent }
        'Loomcycle.TenantSummary'         = { Get-LoomcycleTenant }
        'Loomcycle.ProviderStatus'        = { Get-LoomcycleResolver -Probe }
        'Loomcycle.RoutingEntry'          = { Get-LoomcycleRouting -Plan pro }
        'Loomcycle.ModelInfo'             = { Get-LoomcycleModel }
        'Loomcycle.ConcurrencyStats'      = { Get-LoomcycleConcurrency }
        'Loomcycle.MetricBucket'          = { Get-LoomcycleMetric -Period 7d }
        'Loomcycle.ProcessSample'         = { Get-LoomcycleMetric -Since (Get-Date).AddMinutes(-1) }
        'Loomcycle.RunMetrics'            = { Get-LoomcycleMetric -RunId $run.RunId }
        'Loomcycle.RetentionPolicy'       = { Get-LoomcycleRetention }
        'Loomcycle.AuditEvent'            = { Get-LoomcycleAuditEvent }
        'Loomcycle.UsageRow'              = { Get-LoomcycleUsage -GroupBy user -From (Get-Date).AddMonths(-2) }
        'Loomcycle.UserDirectoryEntry'    = { Get-LoomcycleUser -Subject u1 -Tenant '' }
        'Loomcycle.UserAccount'           = { New-LoomcycleUser -Subject present-account }
        'Loomcycle.UserToken'             = {
            New-LoomcycleUser -Subject present-token | Out-Null
            New-LoomcycleUserToken -Subject present-token
            Get-LoomcycleUserToken -Subject present-token
        }
        'Loomcycle.TokenRevocation'       = {
            New-LoomcycleUser -Subject present-revoke | Out-Null
            $minted = New-LoomcycleUserToken -Subject present-revoke
            Revoke-LoomcycleUserToken -Subject present-revoke -DefId $minted.DefId -PassThru -Confirm:$false
        }
        'Loomcycle.OperatorToken'         = { New-LoomcycleOperatorToken -Name present-op -TenantId acme -Scope runs:read }
        'Loomcycle.OperatorTokenName'     = { Get-LoomcycleOperatorToken }
        'Loomcycle.BudgetLimit'           = {
            Set-LoomcycleLimit -Scope user -ScopeId present-limit -SoftLimit 100 -HardLimit 200 | Out-Null
            Get-LoomcycleLimit -Scope user -ScopeId present-limit
        }
        'Loomcycle.ErasureReport'         = {
            New-LoomcycleUser -Subject present-erase | Out-Null
            Get-LoomcycleErasureReport -Subject present-erase -Tenant ''
        }
        'Loomcycle.ErasureResult'         = {
            New-LoomcycleUser -Subject present-erase-dry | Out-Null
            Invoke-LoomcycleErasure -Subject present-erase-dry -Tenant '' -DryRun
        }

        # Data: memory, channels, chats
        'Loomcycle.MemoryWriteResult'     = { Set-LoomcycleMemory -Scope user -ScopeId u-present -Key prefs/theme -Value @{ mode = 'dark' } -PassThru }
        'Loomcycle.MemorySearchHit'       = {
            Set-LoomcycleMemory -Scope user -ScopeId u-present -Key refund -Value @{ policy = 'refund within 30 days' } -Embed
            Search-LoomcycleMemory 'refund policy' -Scope user -ScopeId u-present
        }
        'Loomcycle.MemoryEmbeddingStats'  = { Get-LoomcycleMemoryEmbedding -Scope user }
        'Loomcycle.MemoryEmbeddingResult' = {
            1..2 | ForEach-Object { Set-LoomcycleMemory -Scope user -ScopeId u-present-embed -Key "k$_" -Value $_ }
            Update-LoomcycleMemoryEmbedding -Backfill -Scope user -ScopeId u-present-embed -Force
        }
        'Loomcycle.MemoryChange'          = {
            Set-LoomcycleMemory -Scope user -ScopeId u-present -Key watched -Value 1
            Watch-LoomcycleMemory -TimeoutSec 5 | Select-Object -First 1
        }
        'Loomcycle.Channel'               = { New-LoomcycleChannel -Name present-channel -Scope tenant }
        'Loomcycle.ChannelPublishResult'  = {
            New-LoomcycleChannel -Name present-publish -Scope tenant | Out-Null
            Send-LoomcycleChannelMessage -Channel present-publish -Payload @{ n = 1 } -PassThru
        }
        'Loomcycle.ChannelMessage'        = {
            New-LoomcycleChannel -Name present-receive -Scope tenant | Out-Null
            Send-LoomcycleChannelMessage -Channel present-receive -Payload @{ n = 1 }
            Receive-LoomcycleChannelMessage -Channel present-receive
        }
        'Loomcycle.ChannelWaitResult'     = {
            New-LoomcycleChannel -Name present-wait -Scope tenant | Out-Null
            Wait-LoomcycleChannel -Channel present-wait -TimeoutSec 1
        }
        'Loomcycle.Chat'                  = { Get-LoomcycleChat }

        # Definitions, schedules, volumes, presets
        'Loomcycle.DefinitionVersion'     = { New-LoomcycleDefinition -Kind Skill -Name present-skill -Definition @{ body = 'one' } }
        'Loomcycle.DefinitionSummary'     = {
            New-LoomcycleDefinition -Kind Skill -Name present-summary -Definition @{ body = 'one' } | Out-Null
            Get-LoomcycleDefinition -Kind Skill
        }
        'Loomcycle.DefinitionChange'      = {
            $v1 = New-LoomcycleDefinition -Kind Skill -Name present-change -Definition @{ body = 'one' }
            $v1 | Copy-LoomcycleDefinition -Definition '{"body":"two"}' | Publish-LoomcycleDefinition
        }
        'Loomcycle.DefinitionVerification' = {
            $v1 = New-LoomcycleDefinition -Kind Skill -Name present-verify -Definition @{ body = 'one' }
            $v1 | Test-LoomcycleDefinition
        }
        'Loomcycle.PowerShell.DefinitionSyncResult' = {
            $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('loomcycle-present-sync-' + [guid]::NewGuid())
            New-Item -ItemType Directory -Path (Join-Path $folder 'webhook') | Out-Null
            Set-Content -Path (Join-Path $folder 'webhook/present-hook.json') -Value '{ "enabled": true, "channel": "present" }'
            try { Sync-LoomcycleDefinition -Path $folder }
            finally { Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue }
        }
        'Loomcycle.ScheduleEntry'         = { Get-LoomcycleSchedule -Name present-digest }
        'Loomcycle.ScheduleState'         = { Get-LoomcycleSchedule -Name present-digest | Get-LoomcycleSchedule }
        'Loomcycle.ScheduleControlResult' = { Get-LoomcycleSchedule -Name present-digest | Start-LoomcycleSchedule -PassThru }
        'Loomcycle.Volume'                = { Get-LoomcycleVolume }
        'Loomcycle.Preset'                = { Get-LoomcyclePreset }

        # Script-block hooks: the listener that answers them (stopped in AfterAll). The hook matches no tool a
        # sample uses, so it changes no other sample.
        'Loomcycle.PowerShell.LoomcycleHookListener' = {
            Register-LoomcycleHook -Owner present -Name listener -Phase post -Tool PresentNoSuchTool -ScriptBlock { param($call) } | Out-Null
            Get-LoomcycleHookListener
        }
    }
    # Server reports made of maps and nested objects (configuration, erasure, provider and retention reports): they
    # have no flat CSV shape, so their CSV is checked only for rows and scalar columns. Every other type must export
    # without a .NET type name as a value. (Known gap: flattening these for CSV.)
    $script:nestedDocuments = @('Loomcycle.ChannelWaitResult', 'Loomcycle.ConcurrencyStats', 'Loomcycle.ErasureResult',
        'Loomcycle.ProviderStatus', 'Loomcycle.RetentionPolicy', 'Loomcycle.ServerConfiguration', 'Loomcycle.UserDirectoryEntry')
    $script:made = @{}
    function Get-Sample([string] $TypeName) {
        if (-not $script:made.ContainsKey($TypeName)) {
            $script:samples.ContainsKey($TypeName) | Should -BeTrue -Because "tests/Pester/Presentation.Tests.ps1 needs a sample of $TypeName"
            $script:made[$TypeName] = @(& $script:samples[$TypeName] | Where-Object { $_.PSObject.TypeNames -contains $TypeName })
        }
        $objects = $script:made[$TypeName]
        $objects.Count | Should -BeGreaterThan 0 -Because "the sample command must write a $TypeName"
        $objects
    }
}

AfterAll {
    Stop-LoomcycleHookListener -Confirm:$false
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'Default views' {
    It '<TypeName> renders through its view: not empty, no raw AdditionalProperties, no type-name fallback' -ForEach $outputTypes {
        $objects = Get-Sample $TypeName
        $text = $objects | Out-String -Width 200
        $text.Trim() | Should -Not -BeNullOrEmpty
        $text | Should -Not -Match 'AdditionalProperties'
        $text | Should -Not -Match ([regex]::Escape("$TypeName"))   # PowerShell falls back to the type name for an empty view
        Get-FormatData -TypeName $TypeName | Should -Not -BeNullOrEmpty -Because 'every output type has a view of its own'
    }

    It '<TypeName> shows values in Format-List without errors' -ForEach $outputTypes {
        $objects = Get-Sample $TypeName
        $Error.Clear()
        $text = $objects | Select-Object -First 1 | Format-List | Out-String
        $text.Trim() | Should -Not -BeNullOrEmpty
        $Error.Count | Should -Be 0 -Because 'a view script block that throws writes to $Error'
    }
}

Describe 'Serialization' {
    It '<TypeName> converts to JSON that reads back with the same property names' -ForEach $outputTypes {
        $first = Get-Sample $TypeName | Select-Object -First 1
        $json = $first | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue
        $back = $json | ConvertFrom-Json
        $names = $first.PSObject.Properties | Where-Object MemberType -in 'Property', 'NoteProperty' | ForEach-Object Name
        foreach ($name in $names) { $back.PSObject.Properties.Name | Should -Contain $name }
        $json | Should -Not -Match 'Authorization|Bearer '
    }

    It '<TypeName> exports to CSV: one header, one row per object, no .NET type names as values' -ForEach $outputTypes {
        $objects = @(Get-Sample $TypeName)
        $path = Join-Path ([System.IO.Path]::GetTempPath()) ("loomcycle-csv-" + [guid]::NewGuid() + '.csv')
        try {
            $objects | Export-Csv -Path $path -NoTypeInformation
            $rows = @(Import-Csv -Path $path)
            $rows.Count | Should -Be $objects.Count
            $text = Get-Content $path -Raw
            if ($TypeName -in $script:nestedDocuments) {
                # A nested document: CSV keeps its scalar columns (ConvertTo-Json is the format for the rest).
                $scalar = $objects[0].PSObject.Properties | Where-Object { $_.Value -is [string] -or $_.Value -is [ValueType] } | Select-Object -First 1
                if ($scalar) { $rows[0].PSObject.Properties.Name | Should -Contain $scalar.Name }
            }
            else {
                $text | Should -Not -Match 'System\.Collections\.Generic|System\.Text\.Json'
            }
        }
        finally {
            Remove-Item $path -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Get-Help -Full' {
    It '<Name> has a synopsis, a description, an example and every parameter described' -ForEach $cmdletNames {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name *" -Because 'a synopsis that repeats the syntax means no help was found'
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $parameters = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }
        foreach ($parameter in $parameters) {
            $entry = $help.parameters.parameter | Where-Object name -eq $parameter
            $entry | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs help"
            ($entry.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs a description"
        }
    }

    It 'has the about topics' {
        Get-Help about_Loomcycle | Out-String | Should -Match 'Loomcycle'
        Get-Help about_Loomcycle_Scheduled_Jobs | Out-String | Should -Match 'scheduled'
    }
}

Describe 'Tab completion through TabExpansion2' {
    It 'completes fixed values' {
        $line = 'Get-LoomcycleAgent -UserId u1 -Status '
        $matches_ = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $matches_ | Sort-Object | Should -Be @('all', 'cancelled', 'completed', 'failed', 'running')
    }

    It 'completes snapshot ids from the server' {
        $line = 'Remove-LoomcycleSnapshot -Id snap_1767225'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText |
            Should -Contain 'snap_1767225600000_0a1b2c3d'
    }

    It 'completes memory scope ids for the scope on the line' {
        $line = 'Get-LoomcycleMemory -Scope user -ScopeId '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'u1'
    }

    It 'completes a cmdlet name' {
        $line = 'Restore-Loomcycle'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'Restore-LoomcycleSnapshot'
    }
}

Describe 'The example scripts' {
    It 'every example script is covered by a test here' -ForEach $examples {
        # nightly-snapshot.ps1 and channel-consumer.ps1 run below; the others run in the test file of their area.
        $covered = @('nightly-snapshot.ps1', 'channel-consumer.ps1',
            'monthly-usage-report.ps1', 'offboard-user.ps1',   # Admin.Tests.ps1
            'sync-definitions.ps1',                             # Definitions.Tests.ps1
            'deny-web-fetch.ps1')                               # HookListener.Tests.ps1
        $covered | Should -Contain $Name -Because 'each script in examples/ must run against the fake server in a test'
    }

    It 'nightly-snapshot.ps1 runs as a scheduled job would: token from the environment, exit 0, a file exported, old nightlies pruned' {
        $tokenServer = Start-FakeServer -Demo -Token 'nightly-job-token-0123456789abcdef'
        $job = Connect-Loomcycle -BaseUrl $tokenServer.BaseUrl -Token (ConvertTo-SecureString 'nightly-job-token-0123456789abcdef' -AsPlainText -Force) -PassThru -NoDefault
        $folder = Join-Path ([System.IO.Path]::GetTempPath()) ("loomcycle-nightly-" + [guid]::NewGuid())
        $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        $modules = Join-Path $RepoRoot 'out'
        $env:PSModulePath = $modules + [System.IO.Path]::PathSeparator + $env:PSModulePath
        $env:LOOMCYCLE_AUTH_TOKEN = 'nightly-job-token-0123456789abcdef'
        try {
            $old = New-LoomcycleSnapshot -Label 'nightly-2000-01-01' -Connection $job
            $output = & $pwsh -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'examples/nightly-snapshot.ps1') `
                -BaseUrl $tokenServer.BaseUrl -ExportFolder $folder -RetentionDays 14 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
            $files = @(Get-ChildItem $folder -Filter 'snap_*.json')
            $files.Count | Should -Be 1
            (Get-Content $files[0].FullName -Raw | ConvertFrom-Json).schema_version | Should -Not -BeNullOrEmpty
            $today = "nightly-$([DateTime]::UtcNow.ToString('yyyy-MM-dd'))"
            (Get-LoomcycleSnapshot -Label $today -Connection $job).Label | Should -Be $today
            # The demo's "nightly-prod" is months old: pruned. The one made a moment ago is kept.
            (Get-LoomcycleSnapshot -Label nightly -Connection $job).Label | Should -Not -Contain 'nightly-prod'
            (Get-LoomcycleSnapshot -Id $old.Id -Connection $job).Label | Should -Be 'nightly-2000-01-01'
            ($output | Out-String) | Should -Match 'snap_1767312000000_4e5f6a7b'   # the Removed ids it reports
            ($output | Out-String) | Should -Not -Match 'nightly-job-token'
        }
        finally {
            Remove-Item Env:LOOMCYCLE_AUTH_TOKEN -ErrorAction SilentlyContinue
            Stop-FakeServer $tokenServer
            $env:PSModulePath = ($env:PSModulePath -split [System.IO.Path]::PathSeparator | Where-Object { $_ -ne $modules }) -join [System.IO.Path]::PathSeparator
            Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'channel-consumer.ps1 processes every message once in batches, confirms them, and stops when idle' {
        New-LoomcycleChannel -Name present-consumer -Scope tenant | Out-Null
        1..5 | ForEach-Object { @{ n = $_ } } | Send-LoomcycleChannelMessage -Channel present-consumer
        $payloads = @(& (Join-Path $RepoRoot 'examples/channel-consumer.ps1') -Channel present-consumer -BatchSize 2 -WaitSec 1 -MaxIdleRounds 1)
        $payloads.n | Should -Be (1..5)
        @(Receive-LoomcycleChannelMessage -Channel present-consumer -Peek -Max 10).Count | Should -Be 0 -Because 'the consumer confirmed every batch'
    }

    It 'channel-consumer.ps1 exits 1 when the channel cannot be read' {
        & (Join-Path $RepoRoot 'examples/channel-consumer.ps1') -Channel present-no-such-channel -WaitSec 0 -MaxIdleRounds 1 2>$null
        $LASTEXITCODE | Should -Be 1
    }

    It 'nightly-snapshot.ps1 exits 1 when the server cannot be reached' {
        $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        # The child finds the module by name; the change must not outlive this test (a later suite's Remove-Module
        # check would find the module again through it).
        $saved = $env:PSModulePath
        try {
            $env:PSModulePath = (Join-Path $RepoRoot 'out') + [System.IO.Path]::PathSeparator + $env:PSModulePath
            $folder = Join-Path ([System.IO.Path]::GetTempPath()) ("loomcycle-nightly-" + [guid]::NewGuid())
            & $pwsh -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'examples/nightly-snapshot.ps1') `
                -BaseUrl 'http://127.0.0.1:1' -ExportFolder $folder -RetentionDays 14 *> $null
            $LASTEXITCODE | Should -Be 1
        }
        finally { $env:PSModulePath = $saved }
    }
}
