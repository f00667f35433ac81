@{
    ModuleVersion     = '1.0.0'
    RootModule        = 'EmptyModule.dll'
    GUID              = '5b0e4a8c-2f55-4f0e-9a61-0c8f3f4f2d12'
    Author            = 'Loomcycle.PowerShell contributors'
    Description       = 'Reference for the Import-Module benchmark: the empty binary module with one view and one type extension, i.e. what PowerShell charges any module that ships views (it rebuilds its format and type tables).'
    PowerShellVersion = '5.1'
    FormatsToProcess  = @('EmptyModule.format.ps1xml')
    TypesToProcess    = @('EmptyModule.types.ps1xml')
    CmdletsToExport   = @('Get-BenchEmpty')
    FunctionsToExport = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
