#pragma once
// How long each step may take. Configuration, not code: the defaults are the brief's, and the
// server may override them from its configuration file.

namespace joldama {

struct DeadlinePolicy {
  int commission_working_days = 10;  // commission decision after submission
  int republican_working_days = 5;   // republican decision after the commission's approval
  int hospital_working_days = 3;     // the receiving hospital's answer to a talon
  int talon_validity_days = 30;  // calendar days a talon is valid unless the patient is admitted
  int booking_working_days = 1;  // the chosen hospital's answer to a planned booking
  int booking_horizon_days = 30;     // how far ahead a planned place may be booked
  int info_reply_working_days = 10;  // the doctor's reply when the commission asks for more
};

}  // namespace joldama
