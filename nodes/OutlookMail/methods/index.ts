// Placeholder until the Attachment/Folder engineer lands listSearch and loadOptions.
export const listSearch = {};
export const loadOptions = {};
