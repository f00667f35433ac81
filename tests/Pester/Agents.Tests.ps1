BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer -Demo
    Connect-Loomcycle -BaseUrl $server.BaseUrl
}

AfterAll {
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'Get-LoomcycleAgent' {
    It 'gets one agent by -AgentId' {
        $agent = Get-LoomcycleAgent -AgentId a_demo_parent
        $agent | Should -BeOfType ([Loomcycle.Agent])
        $agent.AgentId | Should -Be 'a_demo_parent'
        $agent.Status | Should -Be 'running'
    }

    It 'lists the running agents of a user by default' {
        $agents = Get-LoomcycleAgent -UserId u1
        $agents.AgentId | Should -Contain 'a_demo_parent'
        $agents.AgentId | Should -Not -Contain 'a_demo_done'
    }

    It 'filters by -Status' {
        (Get-LoomcycleAgent -UserId u1 -Status completed).AgentId | Should -Be 'a_demo_done'
        (Get-LoomcycleAgent -UserId u1 -Status all).Count | Should -BeGreaterOrEqual 3
    }

    It 'reports an unknown agent as not found' {
        { Get-LoomcycleAgent -AgentId a_missing -ErrorAction Stop } | Should -Throw -ErrorId 'AgentNotFound*'
    }
}

Describe 'Stop-LoomcycleAgent' {
    It 'does nothing with -WhatIf' {
        Stop-LoomcycleAgent -AgentId a_demo_child -WhatIf
        (Get-LoomcycleAgent -AgentId a_demo_child).Status | Should -Be 'running'
    }

    It 'cancels a run and its children' {
        $result = Stop-LoomcycleAgent -AgentId a_demo_parent -Reason 'pester' -Confirm:$false
        $result | Should -BeOfType ([Loomcycle.CancelAgentResult])
        $result.Cancelled | Should -BeTrue
        $result.CancelledCount | Should -BeGreaterOrEqual 1
        $result.Cascaded | Should -Contain 'a_demo_child' # its children
        (Get-FakeServerRequest $server -Method POST -Path /v1/agents/a_demo_parent/cancel | Select-Object -Last 1).Body.reason | Should -Be 'pester'
    }

    It 'takes agents from the pipeline' {
        $run = Invoke-LoomcycleRun -Agent echo -Prompt 'short' -AsResult
        $results = Get-LoomcycleAgent -AgentId $run.AgentId | Stop-LoomcycleAgent -Confirm:$false
        $results.Cancelled | Should -BeFalse
    }
}

Describe 'Get-LoomcycleUser' {
    It 'lists the users the server knows' {
        $users = Get-LoomcycleUser
        $users[0] | Should -BeOfType ([Loomcycle.User])
        $users.UserId | Should -Contain 'u1'
    }
}
