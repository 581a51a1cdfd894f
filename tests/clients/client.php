<?php
// A CRM's PHP client of the Autodialer API (php-curl), as the suite's client gate sees it.
// Usage: php client.php BASE_URL START_FIELD   (START_FIELD: statdialertime, or a slip)
[$script, $base, $startField] = $argv;

function call(string $url, ?string $body, array $headers): array {
    $curl = curl_init($url);
    curl_setopt($curl, CURLOPT_RETURNTRANSFER, true);
    curl_setopt($curl, CURLOPT_TIMEOUT, 30);
    if ($body !== null) {
        curl_setopt($curl, CURLOPT_POST, true);
        curl_setopt($curl, CURLOPT_POSTFIELDS, $body);
        curl_setopt($curl, CURLOPT_HTTPHEADER, $headers);
    }
    $answer = curl_exec($curl);
    $status = curl_getinfo($curl, CURLINFO_HTTP_CODE);
    curl_close($curl);
    return [$status, json_decode($answer, true, 512, JSON_BIGINT_AS_STRING)];
}

$rows = [
    ["id" => "1", "name" => "Петров", "phone" => "89001110000", "UUID" => "crm-1",
     $startField => "10:00:00", "stopdialertime" => "19:00:00", "maxcount" => "1"],
    ["id" => "2", "name" => "Иванов", "phone" => "89001110001", "UUID" => "crm-2"],
];
$make = json_encode(["query" => ["access_token" => "client-key", "data" => $rows]]);
[$status, $report] = call("$base/apikey/make", $make, ["Content-Type: application/json"]);
echo "make: $status {$report['report']['errorcode']}\n";

$form = http_build_query(["id" => 0, "name" => "Сидоров", "phone" => "+7 900 111-00-02",
    "UUID" => "crm-3", "timestart" => "09:00", "timestop" => "18:00"]);
[$status, $call] = call("$base/apikey/newcall", $form,
    ["Content-Type: application/x-www-form-urlencoded"]);
echo "newcall: $status {$call['QUERY_ID']}\n";

$query = http_build_query(["date_from" => "2026-11-27", "date_to" => "2026-11-27",
    "to" => "89001110000"]);
[$status, $cdr] = call("$base/apikey/cdr?$query", null, []);
echo "cdr: $status " . count($cdr) . " rows\n";
