BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer
    $script:other = Start-FakeServer
    Connect-Loomcycle -BaseUrl $server.BaseUrl
    $script:b = Connect-Loomcycle -BaseUrl $other.BaseUrl -PassThru -NoDefault
}

AfterAll {
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
    Stop-FakeServer $script:other
}

Describe 'Memory writes' {
    It 'stores any object as JSON under a key with a slash' {
        Set-LoomcycleMemory -Scope user -ScopeId u1 -Key prefs/theme -Value @{ mode = 'dark'; size = 14 }
        $entry = Get-LoomcycleMemory -Scope user -ScopeId u1 -Key prefs/theme
        $entry.ValueObject.mode | Should -Be 'dark'
        $entry.ValueObject.size | Should -Be 14
    }

    It 'copies rows to another server exactly, values and TTLs' {
        1..50 | ForEach-Object {
            Set-LoomcycleMemory -Scope agent -ScopeId planner -Key "notes/$_" -Json "{`"n`": $_, `"text`": `"caf\u00e9 <b>`"}" -TtlSec 3600
        }
        Get-LoomcycleMemory -Scope agent -ScopeId planner -Limit 1000 | Set-LoomcycleMemory -Connection $b

        $source = Get-LoomcycleMemory -Scope agent -ScopeId planner -Limit 1000
        $copy = Get-LoomcycleMemory -Scope agent -ScopeId planner -Limit 1000 -Connection $b
        $copy.Count | Should -Be 50
        ($copy | ForEach-Object { "$($_.Key)=$($_.Value)" }) | Should -Be ($source | ForEach-Object { "$($_.Key)=$($_.Value)" })
        foreach ($row in $copy) {
            $original = $source | Where-Object Key -eq $row.Key
            ($row.ExpiresAt - $original.ExpiresAt).TotalSeconds | Should -BeGreaterOrEqual 0
            ($row.ExpiresAt - $original.ExpiresAt).TotalSeconds | Should -BeLessThan 10
        }
    }

    It 'takes a scope in any case, as PowerShell users type it' {
        # ValidateSet ignores case; the server knows only 'user'. -Scope User used to be refused after binding.
        Set-LoomcycleMemory -Scope User -ScopeId u9 -Key casing -Value 1
        (Get-LoomcycleMemory -Scope USER -ScopeId u9 -Key casing).Value | Should -Be '1'
        (Get-LoomcycleMemory -Scope user -ScopeId u9 -Key casing).Scope | Should -Be 'user'
    }

    It 'deletes rows from the pipeline' {
        Get-LoomcycleMemory -Scope agent -ScopeId planner -Limit 1000 -Connection $b | Remove-LoomcycleMemory -Connection $b -Force
        @(Get-LoomcycleMemory -Scope agent -ScopeId planner -Connection $b).Count | Should -Be 0
    }
}

Describe 'Memory search, embeddings and the change feed' {
    It 'searches embedded rows' {
        Set-LoomcycleMemory -Scope user -ScopeId u2 -Key refund -Value @{ policy = 'refund within 30 days' } -Embed
        $hit = Search-LoomcycleMemory 'refund policy' -Scope user -ScopeId u2
        $hit.Key | Should -Be 'refund'
        $hit.ValueObject.policy | Should -Be 'refund within 30 days'
    }

    It 'reports embedding stats and backfills, with the dry run under -WhatIf' {
        1..3 | ForEach-Object { Set-LoomcycleMemory -Scope user -ScopeId u3 -Key "k$_" -Value $_ }
        (Get-LoomcycleMemoryEmbedding -Scope user).Models.Count | Should -BeGreaterThan 0
        $dry = Update-LoomcycleMemoryEmbedding -Backfill -Scope user -ScopeId u3 -WhatIf
        $dry.DryRun | Should -BeTrue
        $dry.Candidates | Should -Be 3
        $live = @(Update-LoomcycleMemoryEmbedding -Backfill -Scope user -ScopeId u3 -Limit 2 -Force)
        $live.Count | Should -Be 2
        ($live | Measure-Object Embedded -Sum).Sum | Should -Be 3
    }

    It 'follows memory changes with their own type and resumes from Seq' {
        $changes = @(Watch-LoomcycleMemory | Select-Object -First 2)
        $changes[0].Type | Should -Be 'memory.set'
        $next = Watch-LoomcycleMemory -Since $changes[0].Seq | Select-Object -First 1
        $next.Seq | Should -Be $changes[1].Seq
        @(Watch-LoomcycleDocument -TimeoutSec 1).Count | Should -Be 0
    }

    It 'takes a -TimeoutSec longer than a timer can run as no limit, and stops when asked' {
        # [int]::MaxValue seconds is past what CancelAfter accepts (~24.8 days): it failed at once before.
        $ps = [powershell]::Create()
        try {
            $manifest = Join-Path $script:RepoRoot 'out/Loomcycle/Loomcycle.psd1'
            $null = $ps.AddScript("Import-Module '$manifest'; Connect-Loomcycle -BaseUrl '$($server.BaseUrl)'; Watch-LoomcycleMemory -TimeoutSec ([int]::MaxValue)")
            $running = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 1500
            # Count, not the collection itself: enumerating a stream of a running pipeline waits for it to end.
            $running.IsCompleted | Should -BeFalse
            $ps.Streams.Error.Count | Should -Be 0
            $ps.Stop()
            $ps.Streams.Error.Count | Should -Be 0
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe 'Channels: publish and consume' {
    BeforeAll {
        New-LoomcycleChannel -Name jobs -Scope tenant | Out-Null
    }

    It 'publishes a pipeline of payloads and consumes them at least once with peek and confirm' {
        1..30 | ForEach-Object { @{ n = $_ } } | Send-LoomcycleChannelMessage -Channel jobs
        (Get-LoomcycleChannel jobs).MessageCount | Should -Be 30

        $seen = [System.Collections.Generic.List[int]]::new()
        while ($true) {
            $batch = @(Receive-LoomcycleChannelMessage -Channel jobs -Peek -Max 7)
            if ($batch.Count -eq 0) { break }
            $batch | ForEach-Object { $seen.Add($_.Payload.n) }
            $batch[-1] | Confirm-LoomcycleChannelMessage
        }
        $seen | Should -Be (1..30)
    }

    It 'refuses a cursor that goes back with a typed error' {
        Send-LoomcycleChannelMessage -Channel jobs -Payload 'late'
        $m = Receive-LoomcycleChannelMessage -Channel jobs
        $m.Payload | Should -Be 'late'
        { Confirm-LoomcycleChannelMessage -Channel jobs -Cursor 'cur_0000000000000001_msg_old' -ErrorAction Stop } |
            Should -Throw -ExceptionType ([Loomcycle.ChannelCursorRegressionException])
    }

    It 'waits for a message and reports a timeout as a result' {
        $r = Wait-LoomcycleChannel -Channel jobs -TimeoutSec 1
        $r.TimedOut | Should -BeTrue
        $r.Satisfied | Should -BeFalse
    }

    It 'long-polls until a message arrives' {
        $job = Start-ThreadJob -ScriptBlock {
            param($manifest, $url)
            Import-Module $manifest
            Start-Sleep -Milliseconds 500
            Send-LoomcycleChannelMessage -Channel jobs -Payload @{ wake = $true } -Connection (Connect-Loomcycle -BaseUrl $url -PassThru -NoDefault)
        } -ArgumentList (Join-Path $script:RepoRoot 'out/Loomcycle/Loomcycle.psd1'), $server.BaseUrl
        $m = Receive-LoomcycleChannelMessage -Channel jobs -WaitSec 30
        $job | Wait-Job | Remove-Job
        $m.Payload.wake | Should -BeTrue
    }

    It 'changes and empties the channel' {
        Set-LoomcycleChannel jobs -MaxMessages 100 -PassThru | Select-Object -ExpandProperty MaxMessages | Should -Be 100
        Send-LoomcycleChannelMessage -Channel jobs -Payload 'x'
        Clear-LoomcycleChannel jobs -Force
        (Get-LoomcycleChannel jobs).MessageCount | Should -Be 0
    }

    It 'removes the channel' {
        Remove-LoomcycleChannel jobs -Force
        Get-LoomcycleChannel jobs | Should -BeNullOrEmpty
    }
}

Describe 'Chats' {
    BeforeAll {
        $script:run = Invoke-LoomcycleRun -Agent echo -Prompt 'hello chat' -AsResult
    }

    It 'lists, renames, pins, archives and exports a chat' {
        (Get-LoomcycleChat).SessionId | Should -Contain $run.SessionId
        Rename-LoomcycleChat $run.SessionId 'Greeting test'
        (Get-LoomcycleChat -Search greeting).SessionId | Should -Be $run.SessionId
        $chat = Set-LoomcycleChat $run.SessionId -Pinned $true -Archived $true -PassThru
        $chat.Pinned | Should -BeTrue
        @(Get-LoomcycleChat | Where-Object SessionId -eq $run.SessionId).Count | Should -Be 0
        (Get-LoomcycleChat -IncludeArchived -Pinned).SessionId | Should -Be $run.SessionId
        $file = Join-Path ([System.IO.Path]::GetTempPath()) "chat-$([guid]::NewGuid()).md"
        try {
            Export-LoomcycleChat $run.SessionId -Path $file | Should -BeOfType ([System.IO.FileInfo])
            Get-Content $file -Raw | Should -Match '^# Greeting test'
        }
        finally { Remove-Item $file -ErrorAction SilentlyContinue }
    }
}
