"""Reimbursement transfers: employees' bank details and the 全銀 総合振込 file for a batch (#16)."""
