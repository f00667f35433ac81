BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer -Demo
    Connect-Loomcycle -BaseUrl $server.BaseUrl
}

AfterAll {
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'Get-LoomcycleMemoryScope and Get-LoomcycleMemoryScopeId' {
    It 'lists the scopes' {
        $scopes = Get-LoomcycleMemoryScope
        $scopes[0] | Should -BeOfType ([Loomcycle.MemoryScope])
        $scopes.Name | Should -Contain 'agent'
    }

    It 'lists the scope ids of a scope' {
        $ids = Get-LoomcycleMemoryScopeId -Scope agent
        $ids[0] | Should -BeOfType ([Loomcycle.MemoryScopeId])
        $ids.ScopeId | Should -Contain 'researcher'
    }

    It 'takes scopes from the pipeline' {
        (Get-LoomcycleMemoryScope | Where-Object Name -eq 'user' | Get-LoomcycleMemoryScopeId).ScopeId | Should -Contain 'u1'
    }
}

Describe 'Get-LoomcycleMemory' {
    It 'lists the rows of a scope id' {
        $rows = Get-LoomcycleMemory -Scope agent -ScopeId researcher
        $rows[0] | Should -BeOfType ([Loomcycle.MemoryEntry])
        $rows.Key | Should -Contain 'greeting'
    }

    It 'narrows with -Prefix and -Limit' {
        (Get-LoomcycleMemory -Scope agent -ScopeId researcher -Prefix notes/).Key | Should -Be 'notes/2026/plan'
        (Get-FakeServerRequest $server -Method GET -Path /v1/_memory/scopes/agent/researcher/keys | Select-Object -Last 1).Query | Should -Be 'prefix=notes%2F'
        @(Get-LoomcycleMemory -Scope agent -ScopeId researcher -Limit 1 -WarningVariable more -WarningAction SilentlyContinue).Count | Should -Be 1
        (Get-FakeServerRequest $server -Method GET -Path /v1/_memory/scopes/agent/researcher/keys | Select-Object -Last 1).Query | Should -Be 'limit=1'
        "$more" | Should -Match 'more than the 1 entries shown'
    }

    It 'gets one row by -Key, with its JSON value exactly as stored' {
        (Get-LoomcycleMemory -Scope agent -ScopeId researcher -Key greeting).Value | Should -Be '"hello from memory"'
    }

    It 'takes scope ids from the pipeline' {
        (Get-LoomcycleMemoryScopeId -Scope user | Get-LoomcycleMemory).Key | Should -Contain 'preferences'
    }
}
