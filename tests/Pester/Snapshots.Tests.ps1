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
        $snapshot = New-LoomcycleSnapshot -Label 'pester-history' -IncludeHistory -IncludeHistorySince (Get-Date).AddDays(-1) -MaxBytes 10MB
        $snapshot.Id | Should -Match '^snap_'
    }
}

Describe 'Get-LoomcycleSnapshot' {
    It 'lists snapshots with -Limit and -Label' {
        @(Get-LoomcycleSnapshot).Count | Should -BeGreaterThan 1
        @(Get-LoomcycleSnapshot -Limit 1).Count | Should -Be 1
        (Get-LoomcycleSnapshot -Label NIGHTLY).Label | Should -Be 'nightly-prod'
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

    It 'restores by -Id without a prompt with -Force' {
        $result = Restore-LoomcycleSnapshot -Id snap_1767225600000_0a1b2c3d -Force
        $result | Should -BeOfType ([Loomcycle.SnapshotRestoreResult])
    }

    It 'restores from -Path and from -Json with -IncludeHistory' {
        $path = Join-Path $folder 'before-deploy.json'
        Restore-LoomcycleSnapshot -Path $path -IncludeHistory -Force | Should -BeOfType ([Loomcycle.SnapshotRestoreResult])
        Restore-LoomcycleSnapshot -Json (Get-Content $path -Raw) -Force | Should -BeOfType ([Loomcycle.SnapshotRestoreResult])
    }

    It 'does not restore with -WhatIf' {
        Restore-LoomcycleSnapshot -Id snap_1767225600000_0a1b2c3d -WhatIf | Should -BeNullOrEmpty
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
}
