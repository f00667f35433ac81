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

    It 'deletes rows from the pipeline' {
        Get-LoomcycleMemory -Scope agent -ScopeId planner -Limit 1000 -Connection $b | Remove-LoomcycleMemory -Connection $b -Force
        @(Get-LoomcycleMemory -Scope agent -ScopeId planner -Connection $b).Count | Should -Be 0
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

    It 'removes the channel' {
        Remove-LoomcycleChannel jobs -Force
        Get-LoomcycleChannel jobs | Should -BeNullOrEmpty
    }
}
