BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    # The run-state stream ends every 700 ms here (the real server: every 30 minutes), so a watch reconnects often.
    $script:server = Start-FakeServer -Demo -Argument '--run-state-lifetime-ms', '700'
    Connect-Loomcycle -BaseUrl $server.BaseUrl
}

AfterAll {
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'Watch-LoomcycleAgent' {
    It 'writes each completed run once across reconnects' {
        $manifest = Join-Path $script:RepoRoot 'out/Loomcycle/Loomcycle.psd1'
        $job = Start-ThreadJob -ArgumentList $manifest, $server.BaseUrl {
            param($manifest, $url)
            Import-Module $manifest
            $c = Connect-Loomcycle -BaseUrl $url -PassThru -NoDefault
            Start-Sleep -Milliseconds 500
            foreach ($i in 1..5) {
                Invoke-LoomcycleRun -Connection $c -Agent echo -Prompt "run $i" -UserId pwatch -AsResult | Out-Null
                Start-Sleep -Milliseconds 400
            }
        }
        $log = [System.Collections.Generic.List[object]]::new()
        try {
            Watch-LoomcycleAgent -UserId pwatch -Status completed -TimeoutSec 30 -Verbose 4>&1 |
                ForEach-Object { $log.Add($_); $_ } | Where-Object { $_ -is [Loomcycle.RunState] } | Select-Object -First 5 | Out-Null
        }
        finally {
            $job | Wait-Job -Timeout 30 | Remove-Job -Force
        }
        $states = @($log | Where-Object { $_ -is [Loomcycle.RunState] })
        $states.Count | Should -Be 5
        @($states.AgentId | Sort-Object -Unique).Count | Should -Be 5
        $states.Status | Should -Not -Contain 'running'
        ($log | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*ended the run-state stream*' }) | Should -Not -BeNullOrEmpty
    }

    It 'stops on Select-Object -First and on -TimeoutSec' {
        $started = Invoke-LoomcycleRun -Agent echo -Prompt 'seen' -UserId pfirst -AsResult
        $first = Watch-LoomcycleAgent -UserId pfirst -IncludeExisting | Select-Object -First 1
        $first.AgentId | Should -Be $started.AgentId
        Watch-LoomcycleAgent -UserId pnobody -TimeoutSec 1 | Should -BeNullOrEmpty
    }
}

Describe 'Wait-LoomcycleAgent' {
    It 'returns runs that have ended and names the ones that time out' {
        $done = Invoke-LoomcycleRun -Agent echo -Prompt 'w' -UserId pwait -AsResult | Wait-LoomcycleAgent -TimeoutSec 10
        $done.Status | Should -Be 'completed'
        $parked = Invoke-LoomcycleRun -Agent echo -Prompt 'stay' -UserId pwait -Interactive -AsResult
        $parked | Wait-LoomcycleAgent -TimeoutSec 1 -ErrorVariable waitErrors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $waitErrors[0].FullyQualifiedErrorId | Should -BeLike 'WaitTimeout,*'
        $waitErrors[0].Exception.Message | Should -Match $parked.AgentId
        Stop-LoomcycleAgent $parked.AgentId -Force | Out-Null
    }
}

Describe 'Invoke-LoomcycleBatch' {
    It 'sends 100 prompts in 4 calls and returns 100 results in input order' {
        $log = Invoke-LoomcycleBatch -Agent echo -Prompt (1..100 | ForEach-Object { "item $_" }) -Verbose 4>&1
        $results = @($log | Where-Object { $_ -is [Loomcycle.BatchResult] })
        $results.Count | Should -Be 100
        $results.Index | Should -Be (0..99)
        $results[41].Input | Should -Be 'item 42'
        $results[41].FinalText | Should -Be 'item 42'
        @($log | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'POST *runs:batch' }).Count | Should -Be 4
    }

    It 'stops at a failed run under -ErrorAction Stop and sends no later call' {
        # Calls are queued, but a call with a failed run holds the next one back until its error is written.
        $rows = @(
            [pscustomobject]@{ Prompt = 'one' }, [pscustomobject]@{ Prompt = 'two'; Agent = 'fail' },
            [pscustomobject]@{ Prompt = 'three' }, [pscustomobject]@{ Prompt = 'four' }, [pscustomobject]@{ Prompt = 'five' })
        $log = [System.Collections.Generic.List[object]]::new()
        { $rows | Invoke-LoomcycleBatch -Agent echo -BatchSize 2 -ErrorAction Stop -Verbose 4>&1 | ForEach-Object { $log.Add($_) } } |
            Should -Throw -ErrorId 'BatchItemFailed,Loomcycle.PowerShell.Commands.InvokeLoomcycleBatchCommand'
        @($log | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'POST *runs:batch' }).Count | Should -Be 1
    }

    It 'refuses a row the server would refuse on its own and runs the others' {
        # The server refuses a whole call for one spawn with a bad identifier: that row alone is refused, before sending.
        $rows = @([pscustomobject]@{ Prompt = 'ok' }, [pscustomobject]@{ Prompt = 'bad'; UserId = 'alice@example.com' }, [pscustomobject]@{ Prompt = 'also ok' })
        $results = $rows | Invoke-LoomcycleBatch -Agent echo -ErrorVariable batchErrors -ErrorAction SilentlyContinue
        $results.Index | Should -Be 0, 2
        $results.FinalText | Should -Be 'ok', 'also ok'
        $batchErrors.Count | Should -Be 1
        $batchErrors[0].FullyQualifiedErrorId | Should -Be 'InvalidArgument,Loomcycle.PowerShell.Commands.InvokeLoomcycleBatchCommand'
        $batchErrors[0].TargetObject.Prompt | Should -Be 'bad'
        $batchErrors[0].Exception.Message | Should -BeLike "Input 1: UserId 'alice@example.com' is not valid*"
    }

    It 'takes rows from Import-Csv and reports a failed row as its own error' {
        $csv = Join-Path $TestDrive 'rows.csv'
        @([pscustomobject]@{ Prompt = 'alpha'; Agent = 'echo' }, [pscustomobject]@{ Prompt = 'beta'; Agent = 'fail' }) | Export-Csv $csv
        $results = Import-Csv $csv | Invoke-LoomcycleBatch -ErrorVariable batchErrors -ErrorAction SilentlyContinue
        $results.Count | Should -Be 2
        $results[0].Input.Prompt | Should -Be 'alpha'
        $results[1].Status | Should -Be 'failed'
        $batchErrors.Count | Should -Be 1
        $batchErrors[0].TargetObject.Prompt | Should -Be 'beta'
    }
}

Describe 'Interactive runs' {
    It 'round-trips: start, park, send, receive, compact, stop a parked turn, end' {
        $run = Invoke-LoomcycleRun -Agent echo -Prompt 'first' -UserId pint -Interactive -AsResult
        $run.Parked | Should -BeTrue
        $run.Text | Should -Be 'echo: first'

        Send-LoomcycleInput -RunId $run.RunId -Text 'second'
        $events = Receive-LoomcycleRun -RunId $run.RunId -TimeoutSec 20
        $events[-1].Type | Should -Be 'awaiting_input'
        $events[-1].AwaitingInput.SinceTurn | Should -Be 2
        ($events | Where-Object Type -eq 'steer').UserInput.Text | Should -Be @('first', 'second')
        -join ($events | Where-Object Type -eq 'text' | ForEach-Object Text) | Should -Be 'echo: firstecho: second'

        (Compress-LoomcycleRun -RunId $run.RunId -Confirm:$false).Applied | Should -Be 'live'
        Stop-LoomcycleTurn -RunId $run.RunId -ErrorVariable turnErrors -ErrorAction SilentlyContinue
        $turnErrors[0].FullyQualifiedErrorId | Should -BeLike 'NotMidTurn,*'

        Stop-LoomcycleAgent -AgentId $run.AgentId -Force | Out-Null
        $tail = Receive-LoomcycleRun -RunId $run.RunId -TimeoutSec 20
        $tail | Should -Not -BeNullOrEmpty
        (Get-LoomcycleAgent $run.AgentId).Status | Should -Be 'cancelled'
    }

    It 'holds a scripted conversation with Enter-LoomcycleRun' {
        $shown = -join ('again', 'exit' | Enter-LoomcycleRun -Agent echo -Prompt 'hello' 6>&1 | ForEach-Object { $_.MessageData.Message })
        $shown | Should -Match 'echo: hello'
        $shown | Should -Match 'echo: again'
    }
}

Describe 'Copy-LoomcycleSession' {
    It 'copies a conversation into a new session for another agent, and names a missing one' {
        $run = Invoke-LoomcycleRun -Agent echo -Prompt 'hand me over' -AsResult
        $copy = Copy-LoomcycleSession -SessionId $run.SessionId -Agent chatty -Confirm:$false
        $copy | Should -BeOfType ([Loomcycle.SessionReplayResult])
        $copy.NewSessionId | Should -Not -Be $run.SessionId
        $copy.EventsCopied | Should -BeGreaterThan 0
        (Get-LoomcycleTranscript $copy.NewSessionId).Events.Count | Should -Be $copy.EventsCopied

        Copy-LoomcycleSession -SessionId s_missing -Agent chatty -Confirm:$false -ErrorVariable copyErrors -ErrorAction SilentlyContinue
        $copyErrors[0].FullyQualifiedErrorId | Should -BeLike 'SessionNotFound,*'
        $copyErrors[0].TargetObject | Should -Be 's_missing'
    }
}

Describe 'Resident sub-agents' {
    It 'lists them, stops a turn, closes one' {
        $resident = @(Get-LoomcycleResidentAgent)
        $resident.Count | Should -Be 2
        $resident[0] | Should -BeOfType ([Loomcycle.ResidentAgent])
        ($resident | Where-Object State -eq running | Stop-LoomcycleResidentAgent -TurnOnly -Confirm:$false).Stopped | Should -BeTrue
        (Stop-LoomcycleResidentAgent -RunId $resident[1].RunId -Force).Closed | Should -BeTrue
        @(Get-LoomcycleResidentAgent).Count | Should -Be 1
        Stop-LoomcycleResidentAgent -RunId $resident[1].RunId -Force -ErrorVariable stopErrors -ErrorAction SilentlyContinue
        $stopErrors[0].FullyQualifiedErrorId | Should -BeLike 'NotFound,*'
    }
}
