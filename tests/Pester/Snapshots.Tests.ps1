BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer -Demo
    Connect-Loomcycle -BaseUrl $server.BaseUrl
    $script:folder = Join-Path ([System.IO.Path]::GetTempPath()) ("loomcycle-pester-" + [guid]::NewGuid())
    New-Item -ItemType Directory -Path $folder | Out-Null
}

AfterAll {
    Remove-Item $script:folder -Recurse -Force -ErrorAction SilentlyContinue
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'New-LoomcycleSnapshot' {
    It 'creates a labelled snapshot' {
        $snapshot = New-LoomcycleSnapshot -Label 'pester-new'
        $snapshot | Should -BeOfType ([Loomcycle.Snapshot])
        $snapshot.Id | Should -Match '^snap_'
        $snapshot.Label | Should -Be 'pester-new'
        $snapshot.ExportUrl | Should -Not -BeNullOrEmpty
    }

    It 'takes the history options and a size cap' {
        $since = [DateTimeOffset]::new(2026, 1, 2, 3, 4, 5, [TimeSpan]::Zero)
        $snapshot = New-LoomcycleSnapshot -Label 'pester-history' -IncludeHistory -IncludeHistorySince $since -MaxBytes 10MB
        $snapshot.Id | Should -Match '^snap_'
        $sent = (Get-FakeServerRequest $server -Method POST -Path /v1/_snapshots | Select-Object -Last 1).BodyText | ConvertFrom-Json -AsHashtable
        $sent.label | Should -Be 'pester-history'
        $sent.include_history | Should -BeTrue
        $sent.include_history_since | Should -BeOfType ([datetime])
        ([DateTimeOffset]$sent.include_history_since).ToUniversalTime() | Should -Be $since
        $sent.max_bytes | Should -Be 10485760
    }
}

Describe 'Get-LoomcycleSnapshot' {
    It 'lists snapshots with -Limit and -Label' {
        @(Get-LoomcycleSnapshot -Limit 1).Count | Should -Be 1
        (Get-FakeServerRequest $server -Method GET -Path /v1/_snapshots | Select-Object -Last 1).Query | Should -Be 'limit=1'
        (Get-LoomcycleSnapshot -Label nightly).Label | Should -Be 'nightly-prod'
        (Get-FakeServerRequest $server -Method GET -Path /v1/_snapshots | Select-Object -Last 1).Query | Should -Be 'label_contains=nightly'
    }

    It 'gets one by -Id, with -IncludeContent' {
        $snapshot = Get-LoomcycleSnapshot -Id snap_1767225600000_0a1b2c3d -IncludeContent
        $snapshot.Label | Should -Be 'before-deploy'
        $snapshot.JsonContent | Should -Match 'schema_version'
    }

    It 'shows a table with a human-readable size' {
        (Get-LoomcycleSnapshot | Format-Table | Out-String) | Should -Match '\d+(\.\d)? (B|KB|MB)'
    }

    It 'reports an unknown id as not found' {
        { Get-LoomcycleSnapshot -Id snap_0_deadbeef -ErrorAction Stop } | Should -Throw -ErrorId 'SnapshotNotFound*'
    }
}

Describe 'Export-LoomcycleSnapshot and Restore-LoomcycleSnapshot' {
    It 'exports to a file' {
        $path = Join-Path $folder 'before-deploy.json'
        Export-LoomcycleSnapshot -Id snap_1767225600000_0a1b2c3d -Path $path
        Test-Path $path | Should -BeTrue
        (Get-Content $path -Raw) | Should -Match 'schema_version'
    }

    It 'refuses to write a second piped snapshot over the file it just wrote' {
        # A -Path that is not a folder (mistyped, or not created yet) used to keep only the last of the piped snapshots.
        $file = Join-Path $folder 'not-a-folder'
        $written = Get-LoomcycleSnapshot | Export-LoomcycleSnapshot -Path $file -Force -ErrorVariable refused -ErrorAction SilentlyContinue
        @($written).Count | Should -Be 1
        @($refused).Count | Should -BeGreaterOrEqual 1
        $refused[0].FullyQualifiedErrorId | Should -Be 'InvalidArgument,Loomcycle.PowerShell.Commands.ExportLoomcycleSnapshotCommand'
        $refused[0].Exception.Message | Should -BeLike "*this command has just written for snapshot $((Get-LoomcycleSnapshot)[0].Id)*"
        Remove-Item $file
    }

    It 'restores by -Id without a prompt with -Force' {
        $result = Restore-LoomcycleSnapshot -Id snap_1767225600000_0a1b2c3d -Force
        $result | Should -BeOfType ([Loomcycle.SnapshotRestoreResult])
    }

    It 'restores from -Path and from -Json with -IncludeHistory' {
        $path = Join-Path $folder 'before-deploy.json'
        Restore-LoomcycleSnapshot -Path $path -IncludeHistory -Force | Should -BeOfType ([Loomcycle.SnapshotRestoreResult])
        Restore-LoomcycleSnapshot -Json (Get-Content $path -Raw) -Force | Should -BeOfType ([Loomcycle.SnapshotRestoreResult])
        $restores = @(Get-FakeServerRequest $server -Method POST | Where-Object Path -like '/v1/_snapshots/*/restore' | Select-Object -Last 2)
        $restores[0].Body.include_history | Should -BeTrue # -IncludeHistory
        $restores[0].Body.json.schema_version | Should -Not -BeNullOrEmpty # the file's envelope
        $restores[1].Body.PSObject.Properties.Name | Should -Not -Contain 'include_history' # not asked for
        $restores[1].Body.json.schema_version | Should -Be $restores[0].Body.json.schema_version
    }

    It 'does not restore with -WhatIf' {
        $before = @(Get-FakeServerRequest $server -Method POST | Where-Object Path -like '/v1/_snapshots/*/restore').Count
        Restore-LoomcycleSnapshot -Id snap_1767225600000_0a1b2c3d -WhatIf | Should -BeNullOrEmpty
        @(Get-FakeServerRequest $server -Method POST | Where-Object Path -like '/v1/_snapshots/*/restore').Count | Should -Be $before
    }
}

Describe 'Remove-LoomcycleSnapshot' {
    It 'removes what Get-LoomcycleSnapshot pipes to it' {
        New-LoomcycleSnapshot -Label 'pester-remove' | Out-Null
        Get-LoomcycleSnapshot -Label 'pester-remove' | Remove-LoomcycleSnapshot -Force
        Get-LoomcycleSnapshot -Label 'pester-remove' | Should -BeNullOrEmpty
    }

    It 'removes by -Id; removing it again is not an error (the server answers 204 either way)' {
        $snapshot = New-LoomcycleSnapshot -Label 'pester-remove-id'
        Remove-LoomcycleSnapshot -Id $snapshot.Id -Force
        { Get-LoomcycleSnapshot -Id $snapshot.Id -ErrorAction Stop } | Should -Throw -ErrorId 'SnapshotNotFound*'
        Remove-LoomcycleSnapshot -Id $snapshot.Id -Force -ErrorAction Stop -ErrorVariable failures | Should -BeNullOrEmpty
        $failures | Should -BeNullOrEmpty
    }

    It 'writes its request lines when $VerbosePreference or -Debug asks for them, and not with -Verbose:$false' {
        $lines = & { $VerbosePreference = 'Continue'; Remove-LoomcycleSnapshot snap_pester_v1 -Force 4>&1 }
        ($lines | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -BeLike 'DELETE *snap_pester_v1'
        $off = & { $VerbosePreference = 'Continue'; Remove-LoomcycleSnapshot snap_pester_v2 -Force -Verbose:$false 4>&1 }
        $off | Should -BeNullOrEmpty
        $debug = Remove-LoomcycleSnapshot snap_pester_v3 -Force -Debug 5>&1
        ($debug | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Message | Should -BeLike 'DELETE *snap_pester_v3 -> 20*'
        @(Get-FakeServerRequest $server -Method DELETE | Where-Object Path -like '/v1/_snapshots/snap_pester_v*').Count | Should -Be 3
    }

    It 'reports a failing piped item for its own id, in order, and sends nothing after it under -ErrorAction Stop' {
        # The next item is bound while a delete is on the wire; '..' is refused before it is sent.
        $items = 'snap_pester_p1', '..', 'snap_pester_p2' | ForEach-Object { [pscustomobject]@{ Id = $_ } }
        $items | Remove-LoomcycleSnapshot -Force -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures.Count | Should -Be 1
        $failures[0].TargetObject | Should -Be '..'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*RemoveLoomcycleSnapshotCommand'
        (Get-FakeServerRequest $server -Method DELETE | Where-Object Path -like '/v1/_snapshots/snap_pester_p*').Path |
            Should -Be @('/v1/_snapshots/snap_pester_p1', '/v1/_snapshots/snap_pester_p2')

        $stopped = 'snap_pester_s1', '..', 'snap_pester_s2' | ForEach-Object { [pscustomobject]@{ Id = $_ } }
        { $stopped | Remove-LoomcycleSnapshot -Force -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument*'
        (Get-FakeServerRequest $server -Method DELETE | Where-Object Path -like '/v1/_snapshots/snap_pester_s*').Path |
            Should -Be @('/v1/_snapshots/snap_pester_s1')
    }

    It 'sends none of the deletes queued behind a hanging one after the pipeline is stopped (Ctrl+C)' {
        # A server that accepts and never answers: the first delete hangs and the items bound meanwhile queue behind it.
        # A queued delete sent after the stop would need a new connection (the stop closes the hanging one).
        $listener = [System.Net.Sockets.TcpListener]::new([ipaddress]::Loopback, 0)
        $listener.Start()
        $ps = [powershell]::Create()
        try {
            $manifest = Join-Path (Get-Module Loomcycle).ModuleBase 'Loomcycle.psd1'
            $url = "http://127.0.0.1:$($listener.LocalEndpoint.Port)"
            $null = $ps.AddScript("Import-Module '$manifest'; `$c = Connect-Loomcycle -BaseUrl '$url' -PassThru -NoDefault; " +
                "1..20 | ForEach-Object { [pscustomobject]@{ Id = `"snap_q`$_`" } } | Remove-LoomcycleSnapshot -Force -Connection `$c")
            $running = $ps.BeginInvoke()
            $accept = $listener.AcceptTcpClientAsync()
            $accept.Wait([TimeSpan]::FromSeconds(30)) | Should -BeTrue
            $client = $accept.Result
            $client.ReceiveTimeout = 10000
            $buffer = [byte[]]::new(4096)
            $request = [System.Text.Encoding]::ASCII.GetString($buffer, 0, $client.GetStream().Read($buffer, 0, $buffer.Length))
            Start-Sleep -Milliseconds 300 # PowerShell binds and queues the other 19 meanwhile

            $ps.Stop()
            Start-Sleep -Milliseconds 300 # room for a queued delete that would wrongly go out after the stop
            $request | Should -BeLike 'DELETE /v1/_snapshots/snap_q1 HTTP/1.1*'
            $listener.Pending() | Should -BeFalse
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $client.Dispose()
        }
        finally {
            $ps.Dispose()
            $listener.Stop()
        }
    }
}
