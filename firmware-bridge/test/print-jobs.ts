/** `PrintTicketArgs` as the appliance sends them; the QR code carries the job id (to find it in the simulator's log). */
export function printArgs(input: { jobId: string; number: string }) {
  return {
    template: 'ticket',
    language: 'kk',
    ticketId: '0193a3b4-7c1e-7b55-9d0e-5f7a2c9b1e42',
    number: input.number,
    branchName: 'Almaty Demo',
    serviceName: 'Төлемдер және аударымдар',
    issuedAt: Date.now(),
    timeZone: 'Asia/Almaty',
    ahead: 3,
    waitMinutes: { low: 5, high: 10 },
    statusUrl: `https://kqms.invalid/t/${input.jobId}`,
  }
}
