BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer -Demo
    Connect-Loomcycle -BaseUrl $server.BaseUrl
}

AfterAll {
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'Register-LoomcycleHook, Get-LoomcycleHook, Unregister-LoomcycleHook' {
    It 'registers a hook' {
        $hook = Register-LoomcycleHook -Owner pester -Name scan -Phase pre -CallbackUrl 'https://callback.local/pester' `
            -Agent 'research*' -Tool WebFetch -FailMode closed
        $hook | Should -BeOfType ([Loomcycle.Hook])
        $hook.Id | Should -Match '^hook_'
        $hook.Owner | Should -Be 'pester'
        $hook.Name | Should -Be 'scan'
        $hook.Phase | Should -Be 'pre'
        $hook.CallbackUrl | Should -Be 'https://callback.local/pester'
        $hook.Agents | Should -Be @('research*')
        $hook.Tools | Should -Be @('WebFetch')
        $hook.FailMode | Should -Be 'closed'
        $sent = (Get-FakeServerRequest $server -Method POST -Path /v1/hooks | Select-Object -Last 1).Body
        $sent.agents | Should -Be @('research*')
        $sent.tools | Should -Be @('WebFetch')
        $sent.fail_mode | Should -Be 'closed'
        $sent.callback_url | Should -Be 'https://callback.local/pester'
    }

    It 'replaces a hook registered again with the same owner and name' {
        $again = Register-LoomcycleHook -Owner pester -Name scan -Phase post -CallbackUrl 'https://callback.local/pester2'
        @(Get-LoomcycleHook | Where-Object { $_.Owner -eq 'pester' -and $_.Name -eq 'scan' }).Count | Should -Be 1
        (Get-LoomcycleHook | Where-Object Id -eq $again.Id).Phase | Should -Be 'post'
    }

    It 'lists hooks' {
        (Get-LoomcycleHook).Owner | Should -Contain 'jobs-search-web'
    }

    It 'unregisters what Get-LoomcycleHook pipes to it' {
        Get-LoomcycleHook | Where-Object Owner -eq 'pester' | Unregister-LoomcycleHook -Confirm:$false
        (Get-LoomcycleHook).Owner | Should -Not -Contain 'pester'
    }

    It 'reports an unknown hook id as not found' {
        { Unregister-LoomcycleHook -Id hook_missing -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'HookNotFound*'
    }
}
